/**
 * Golden regression test of GDPO behind the trainer seam: each run of GOLDEN_RUNS (gdpo-golden.ts) ends
 * exactly as recorded in fixtures/gdpo-golden.json — the same prompts, scores, batches, subsets, accepted
 * steps, gate counts and backward/optimizer/teacher calls (simulated model, cache off, fixed seeds).
 *
 * A change of behaviour made ON PURPOSE (a sim recalibration, a new GDPO prompt section) fails this test
 * until the fixture is recorded again, from a clean checkout of the change, with
 *
 *   npx tsx scripts/record-gdpo-golden.ts
 *
 * and the new fixture is committed with the change (its `source` names the commit it was recorded at).
 *
 * Task-model call counts are not compared: an early-stopped validation may issue a few more or fewer calls
 * depending on when a slot frees up (the accept/reject decision does not depend on it).
 */
import { describe, expect, it } from 'vitest';
import { HAS_DATA, needsData } from '../../testing/data';
import { GOLDEN_RUNS, type GoldenFile, runGolden } from '../../testing/gdpo-golden';
import golden from './fixtures/gdpo-golden.json';

const recorded = golden as GoldenFile;

describe.skipIf(!HAS_DATA)(needsData('GDPO golden runs'), () => {
  it('the fixture records every golden run with its flags', () => {
    expect(Object.keys(recorded.runs).sort()).toEqual(Object.keys(GOLDEN_RUNS).sort());
    for (const [name, argv] of Object.entries(GOLDEN_RUNS)) expect(recorded.runs[name]?.argv).toEqual(argv);
  });

  for (const [name, argv] of Object.entries(GOLDEN_RUNS)) {
    it(`${name}: same prompts, scores, steps and helper calls as recorded`, async () => {
      const expected = recorded.runs[name];
      const got = await runGolden(argv);
      expect(got.method).toBe('gdpo');
      // Field by field, so a failure names what changed.
      expect(got.values).toEqual(expected?.values);
      expect(got.initial).toEqual(expected?.initial);
      expect(got.final).toEqual(expected?.final);
      expect(got.gates).toEqual(expected?.gates);
      expect(got.steps).toEqual(expected?.steps);
      expect(got.calls).toEqual(expected?.calls);
    });
  }
});
