/**
 * The committed reference of `quick` (results/reference/quick, written by scripts/quick-reference.sh)
 * against real saved output: `compare` fails on a regression injected into the reference's own runs, and
 * a rerun of a slice of `quick` from a warm cache compares equal to the reference — which also checks
 * that the reference still matches the code (the full check is `pnpm repro:check`, run by .ci/run).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HAS_DATA, needsData } from '../../testing/data';
import { autodiff } from '../../testing/run-cli';
import { PRESET_DIR } from '../experiment/load';
import type { RunRecord } from '../repro/run-record';

const REFERENCE = join(PRESET_DIR, '..', '..', '..', 'results', 'reference', 'quick');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'quick-reference-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function editRun(root: string, runId: string, edit: (r: RunRecord) => void): void {
  const file = join(root, 'runs', runId, 'run.json');
  const record = JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
  edit(record);
  writeFileSync(file, JSON.stringify(record, null, 2));
}

/** The reference restricted to `runIds` (compare counts a reference cell missing from the new one). */
function referenceSlice(runIds: string[]): string {
  const slice = join(dir, 'reference', 'quick');
  cpSync(join(REFERENCE, 'experiment.json'), join(slice, 'experiment.json'), { recursive: true });
  for (const id of runIds) cpSync(join(REFERENCE, 'runs', id), join(slice, 'runs', id), { recursive: true });
  return slice;
}

describe('the committed quick reference', () => {
  it('holds run.json files of every planned run of quick (and nothing compare does not need)', () => {
    const runs = readdirSync(join(REFERENCE, 'runs'));
    // 6 pipelines x 5 methods x 2 repeats: every method (MIPRO included) runs on every pipeline.
    expect(runs).toHaveLength(6 * 5 * 2);
    for (const id of runs) expect(readdirSync(join(REFERENCE, 'runs', id))).toEqual(['run.json']);
  });

  it('compare passes on the reference itself and fails on a regression injected into its real runs', async () => {
    const copy = join(dir, 'new', 'quick');
    cpSync(REFERENCE, copy, { recursive: true });
    const same = await autodiff(['compare', REFERENCE, copy]);
    expect(same.code).toBe(0);
    expect(same.out).toContain('No regression beyond the tolerances.');

    // Every test example of GDPO on TREC now wrong, and TextGrad on ObjectCount asking for 50% more tokens.
    for (const r of [0, 1]) {
      editRun(copy, `trec__gdpo__r${r}`, (rec) => {
        rec.final.test = 0;
        for (const id of Object.keys(rec.testScores ?? {}))
          (rec.testScores as Record<string, number>)[id] = 0;
      });
      editRun(copy, `object-count__textgrad__r${r}`, (rec) => {
        // compare reads the requested tokens (and falls back to totalTokens in records without them).
        for (const u of Object.values(rec.usage)) {
          u.totalTokens = Math.round(u.totalTokens * 1.5) + 1;
          if (u.requested) u.requested.tokens = Math.round(u.requested.tokens * 1.5) + 1;
        }
      });
    }
    const worse = await autodiff(['compare', REFERENCE, copy]);
    expect(worse.code).toBe(1);
    const regressions = worse.out.split('\n').filter((l) => l.includes('REGRESSION'));
    expect(regressions.some((l) => /\| trec +\| gdpo +\| test accuracy %/.test(l))).toBe(true);
    expect(regressions.some((l) => /\| object-count +\| textgrad +\| task tokens/.test(l))).toBe(true);
    expect(regressions.every((l) => /trec +\| gdpo|object-count +\| textgrad/.test(l))).toBe(true);
  });

  it.skipIf(!HAS_DATA)(
    needsData('a rerun of quick (a slice) from a warm cache compares equal to the reference'),
    async () => {
      const quick = readFileSync(join(PRESET_DIR, 'quick.yaml'), 'utf8');
      const slice = quick
        .replace(/^pipelines: .*$/m, 'pipelines: [object-count]')
        .replace(/^methods: .*$/m, 'methods: [start, textgrad, gdpo]');
      const file = join(dir, 'quick.yaml');
      writeFileSync(file, slice);
      const cache = join(dir, 'cache.sqlite');
      const run = (results: string) => autodiff(['repro', file, '--results', results, '--cache', cache]);
      expect((await run(join(dir, 'cold'))).code).toBe(0);
      const warm = await run(join(dir, 'warm'));
      expect(warm.code).toBe(0);
      const warmRoot = join(dir, 'warm', 'quick');
      const ids = readdirSync(join(warmRoot, 'runs')).sort();
      expect(ids).toHaveLength(6);
      for (const id of ids) {
        const rec = JSON.parse(readFileSync(join(warmRoot, 'runs', id, 'run.json'), 'utf8')) as RunRecord;
        // Served by the cache: no model call made.
        expect(
          Object.values(rec.usage).reduce((a, u) => a + u.calls, 0),
          id,
        ).toBe(0);
      }
      const compared = await autodiff(['compare', referenceSlice(ids), warmRoot]);
      expect(compared.out).toContain('No regression beyond the tolerances.');
      expect(compared.code).toBe(0);
    },
  );
});
