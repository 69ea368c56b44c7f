/**
 * GDPO through the trainer seam ends exactly where the recorded runs did: the same prompts, scores,
 * batches, subsets, accepted steps and gate counts on the default ObjectCount and multi-hop runs (and a
 * run with the demo phase), same seed, simulated model, `autodiff train --cache off`. The fixture says
 * where it was recorded. It was first recorded before GDPO moved behind the seam, and the moved code
 * matched it exactly (commit 89e2875); it was re-recorded when GDPO's optimizer and the simulated world
 * changed on purpose. A change that moves these numbers must say why and re-record them.
 *
 * Task-model call counts are recorded but not compared: an early-stopped validation may issue a few more
 * or fewer calls depending on when a slot frees up (the accept/reject decision does not depend on it).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDataDir, NO_DATA_MESSAGE } from '@llm-autodiff/sim';
import type { TrainResult } from '@llm-autodiff/trainer';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli';
import recorded from './fixtures/gdpo-runs.json';

const HAS_DATA = findDataDir() !== undefined;
const needsData = (name: string) => (HAS_DATA ? name : `${name} (${NO_DATA_MESSAGE})`);
const dir = mkdtempSync(join(tmpdir(), 'seam-identity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!HAS_DATA)(needsData('GDPO behind the trainer seam'), () => {
  for (const [name, expected] of Object.entries(recorded.runs)) {
    it(`${name}: same prompts, scores and steps as the recorded run`, async () => {
      const out = join(dir, `${name}.json`);
      const code = await main(['train', ...expected.argv, '--cache', 'off', '--quiet', '--out', out], {
        out: () => {},
        err: () => {},
      });
      expect(code).toBe(0);
      const report = JSON.parse(readFileSync(out, 'utf8')) as {
        result: TrainResult;
        usageByRole: Record<string, { calls: number }>;
      };
      const r = report.result;
      expect(r.method).toBe('gdpo');
      expect(r.values).toEqual(expected.values);
      expect(r.initial).toEqual(expected.initial);
      expect(r.final).toEqual(expected.final);
      expect(r.gates).toEqual(expected.gates);
      expect(
        r.steps.map((s) => ({
          step: s.step,
          phase: s.phase,
          accepted: s.accepted,
          valScore: s.valScore,
          batch: s.batch,
          subset: s.subset,
        })),
      ).toEqual(expected.steps);
      for (const role of ['backward', 'optimizer', 'teacher'] as const)
        expect(report.usageByRole[role]?.calls, role).toBe((expected.calls as Record<string, number>)[role]);
    });
  }
});
