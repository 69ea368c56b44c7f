/**
 * The separation table's code (scripts/sim-tables.ts): rows, paired differences and the paper verdict
 * from saved runs, and one tiny real sweep through repro's machinery so the script keeps working in CI.
 * Its numbers are never asserted: separation is printed, not a target. Simulated model.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDataDir, NO_DATA_MESSAGE } from '@llm-autodiff/sim';
import { afterEach, describe, expect, it } from 'vitest';
import { ExperimentSchema } from '../packages/runner/src/experiment/schema';
import { executeExperiment } from '../packages/runner/src/repro/execute';
import { readExperiment } from '../packages/runner/src/repro/run-record';
import { writeSyntheticExperiment } from '../packages/runner/testing/run-fixtures';
import {
  paperVerdict,
  separationExperiment,
  separationMarkdown,
  separationRows,
} from './support/sim-separation';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'sim-separation-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('paperVerdict', () => {
  it('says within noise when the CI holds 0, else whether the signs agree', () => {
    expect(paperVerdict({ mean: -1, lo: -3, hi: 0.5 }, -2.4)).toBe('within noise');
    expect(paperVerdict({ mean: -2, lo: -3, hi: -0.5 }, -2.4)).toBe('agree');
    expect(paperVerdict({ mean: 2, lo: 0.5, hi: 3 }, -2.4)).toBe('disagree');
  });
});

describe('separationRows', () => {
  it('pairs every method with GDPO by repeat and test example; a regression shows with a CI below 0', async () => {
    const root = await tempDir();
    await writeSyntheticExperiment(root, {
      pipelines: ['object-count'],
      methods: ['start', 'gdpo', 'gdpo.noFeedbackText', 'textgrad'],
      repeats: 3,
      testSize: 60,
      override: ({ method }) =>
        method === 'gdpo' ? { accuracy: 0.9 } : method === 'gdpo.noFeedbackText' ? { accuracy: 0.4 } : {},
    });
    const rows = separationRows(await readExperiment(root));
    expect(rows.map((r) => r.method)).toEqual(['start', 'gdpo', 'gdpo.noFeedbackText', 'textgrad']);
    const gdpo = rows.find((r) => r.method === 'gdpo');
    const ablation = rows.find((r) => r.method === 'gdpo.noFeedbackText');
    expect(gdpo?.diff).toBeUndefined();
    expect(gdpo?.tests).toHaveLength(3);
    if (!gdpo || !ablation?.diff) throw new Error('rows missing');
    expect(ablation.diff.mean).toBeCloseTo(100 * (ablation.mean - gdpo.mean), 6);
    expect(ablation.diff.hi).toBeLessThan(0);
    expect(ablation.diff.lo).toBeLessThanOrEqual(ablation.diff.mean);
    // Table 3 reports -1.0 for ObjectCount: a clear drop agrees in direction.
    expect(ablation.paper).toEqual({ delta: -1.0, verdict: 'agree' });
    expect(rows.find((r) => r.method === 'textgrad')?.paper).toBeUndefined();
    const md = separationMarkdown(rows, 'note');
    expect(md).toContain('Simulated model — not research results.');
    expect(md.split('\n').filter((l) => l.startsWith('| object-count |'))).toHaveLength(4);
  });
});

describe.skipIf(findDataDir() === undefined)(
  `separation sweep${findDataDir() ? '' : ` (${NO_DATA_MESSAGE})`}`,
  () => {
    it('runs every listed method through repro and tabulates it (tiny sizes; numbers not asserted)', async () => {
      const resultsRoot = await tempDir();
      const experiment = ExperimentSchema.parse(
        separationExperiment({
          repeats: 2,
          pipelines: ['object-count'],
          methods: ['start', 'gdpo', 'gdpo.noFeedbackText'],
          sizes: { train: 6, val: 6, test: 6 },
          small: true,
        }),
      );
      const lines: string[] = [];
      const io = { out: (s: string) => lines.push(s), err: (s: string) => lines.push(s) };
      const { plan } = await executeExperiment(
        experiment,
        { resultsRoot, cache: 'off', models: {}, dryRun: false, maxCostUsd: 0, outputs: false },
        io,
      );
      const rows = separationRows(await readExperiment(plan.root));
      expect(rows.map((r) => [r.method, r.tests.length])).toEqual([
        ['start', 2],
        ['gdpo', 2],
        ['gdpo.noFeedbackText', 2],
      ]);
      for (const r of rows.filter((x) => x.method !== 'gdpo')) {
        expect(r.diff?.lo).toBeLessThanOrEqual(r.diff?.hi ?? Number.NaN);
      }
    }, 240_000);
  },
);
