import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BaselineName, DEPARTURES, departuresTable, PARTIAL_USE } from './departures';
import { BASELINE_METHODS } from './register';

/** A Markdown table's text with cell padding and separator widths dropped (the formatter aligns columns). */
function normalized(md: string): string {
  return md
    .split('\n')
    .map((line) =>
      line.startsWith('|')
        ? line
            .split(/(?<!\\)\|/)
            .map((c) => c.trim().replace(/^-+$/, '---'))
            .join('|')
        : line,
    )
    .join('\n');
}

const README = normalized(readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8'));

describe('departures tables', () => {
  it('cover every baseline method, each row "same" or a departure with its reason', () => {
    expect(Object.keys(DEPARTURES).sort()).toEqual(BASELINE_METHODS.map((m) => m.name).sort());
    for (const rows of Object.values(DEPARTURES)) {
      expect(rows.length).toBeGreaterThan(3);
      for (const r of rows) {
        expect(r.aspect && r.reference).toBeTruthy();
        if (r.ours !== 'same') expect(r.why).not.toBe('');
      }
    }
  });

  it('the README holds each table as rendered from the data', () => {
    for (const m of Object.keys(DEPARTURES) as BaselineName[])
      expect(README).toContain(normalized(departuresTable(m)));
  });

  it('partial-use footnotes name a method and the step detail that shows it', () => {
    for (const p of PARTIAL_USE) {
      expect(Object.keys(DEPARTURES)).toContain(p.method);
      expect(p.detail).toBe('noFeedback');
    }
  });
});
