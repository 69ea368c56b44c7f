import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HAS_DATA, needsData } from '../../testing/data';
import { autodiff } from '../../testing/run-cli';
import { writeAblationTable } from '../repro/ablation-table';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autodiff-ablate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('autodiff ablate', () => {
  it('rejects an unknown switch with the known ones, exit 2', async () => {
    const r = await autodiff(['ablate', 'quick', '--switches', 'noGates', '--results', dir]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--switches: unknown switch "noGates" (known: noSelectiveGradients,');
  });

  it.skipIf(!HAS_DATA)(
    needsData('runs GDPO and each switch, then writes the ablation table (rebuilt byte-identically)'),
    async () => {
      const file = join(dir, 'exp.yaml');
      writeFileSync(
        file,
        'name: tiny\npipelines: [object-count]\nmethods: [gdpo]\nrepeats: 2\nsizes: { train: 4, val: 4, test: 4 }\nconfig: { steps: 1, batchSize: 2, proposalsPerStep: 1 }\n',
      );
      const r = await autodiff([
        'ablate',
        file,
        '--switches',
        'noHistory,noBackward',
        '--results',
        dir,
        '--cache',
        'off',
      ]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/runs: 6 done/);
      const md = join(dir, 'tiny-ablation', 'tables', 'ablation.md');
      const table = readFileSync(md, 'utf8');
      expect(table).toContain('simulated model');
      expect(table).toMatch(/\| gdpo \| \d+\.\d ± \d+\.\d \|/);
      expect(table).toMatch(/\| gdpo\.noBackward \| \d+\.\d ± \d+\.\d \([+-]\d+\.\d\) \|/);
      expect(table).toMatch(/\| gdpo\.noHistory \|/);
      const csv = readFileSync(join(dir, 'tiny-ablation', 'tables', 'ablation.csv'), 'utf8');
      expect(csv.split('\n')[0]).toBe('variant,pipeline,test_mean,test_std,repeats,delta_vs_gdpo');
      await writeAblationTable(join(dir, 'tiny-ablation'));
      expect(readFileSync(md, 'utf8')).toBe(table);
    },
  );
});
