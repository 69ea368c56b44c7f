import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStepCounts, readStepCounts, STEP_COUNTS_FORMAT } from './step-counts';

describe('step-counts.json', () => {
  it('the committed table is of the current format and measures every method somewhere', () => {
    const t = readStepCounts();
    expect(t.format).toBe(STEP_COUNTS_FORMAT);
    const measured = new Set(Object.values(t.pipelines).flatMap((p) => Object.keys(p.methods)));
    expect([...measured].sort()).toEqual(['bfsrs', 'bootstrap', 'gdpo', 'gepa', 'mipro', 'textgrad']);
  });

  it('an old (GDPO-only) table is refused in one line saying how to remeasure', () => {
    const old = { measured: 'x', reference: { batchSize: 4 }, pipelines: {} };
    expect(() => parseStepCounts(old, 'sc.json')).toThrow(
      /^sc\.json: step counts of an older format .*rerun `npx tsx scripts\/measure-step-counts\.ts`$/,
    );
  });

  it('a malformed table names the field', () => {
    const bad = {
      format: STEP_COUNTS_FORMAT,
      measured: 'x',
      pipelines: {
        trec: { shape: { prompts: 1, demoSlots: 1 }, eval: { callsPerExample: {} }, methods: {} },
      },
    };
    expect(() => parseStepCounts(bad, 'sc.json')).toThrow(
      /^sc\.json: malformed step counts at pipelines\.trec\.eval\.tokensPerCall: /,
    );
    const dir = mkdtempSync(join(tmpdir(), 'step-counts-'));
    writeFileSync(join(dir, 'broken.json'), '{ not json');
    expect(() => readStepCounts(join(dir, 'broken.json'))).toThrow(/broken\.json: cannot read step counts/);
  });
});
