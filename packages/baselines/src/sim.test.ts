/**
 * Every baseline in the simulated world, through the trainer's `train()` (ObjectCount, 20 train / 20
 * validation / 10 test, default budgets): the validation score holds or rises, and a run stopped after
 * its 1st step and resumed ends identical to an uninterrupted one. Simulated model: these figures
 * exercise the machinery only.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDataDir, NO_DATA_MESSAGE } from '@llm-autodiff/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simObjectCount } from '../testing/sim-run';
import { BASELINE_METHODS } from './register';

const HAS_DATA = findDataDir() !== undefined;
const title = 'baselines on simulated ObjectCount';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baselines-sim-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!HAS_DATA)(HAS_DATA ? title : `${title} (${NO_DATA_MESSAGE})`, () => {
  for (const factory of BASELINE_METHODS) {
    it(`${factory.name}: holds or raises validation within its default budget; resume ends identical`, async () => {
      const { result, ledger } = await simObjectCount(factory);
      expect(result.partial).toBe(false);
      expect(result.steps.length).toBeGreaterThanOrEqual(3);
      expect(result.initial).toBeDefined();
      expect(result.final.val).toBeGreaterThanOrEqual(result.initial?.val ?? Number.POSITIVE_INFINITY);
      const roles = ledger.byRole();
      if (factory.name === 'textgrad') {
        // TextGrad: per sample, the evaluation's call + one for the one trainable prompt.
        const steps = result.steps.filter((s) => s.phase === 'text');
        expect(steps).toHaveLength(12);
        for (const s of steps) expect(s.backward?.calls).toBe(2 * s.batch.length);
        expect(roles.backward?.calls).toBe(steps.reduce((n, s) => n + 2 * s.batch.length, 0));
      }
      if (factory.tunes.includes('demos')) expect(roles.teacher?.calls).toBeGreaterThan(0);

      const checkpointPath = join(dir, `${factory.name}.ckpt.json`);
      const stop = new AbortController();
      const first = await simObjectCount(factory, {
        checkpointPath,
        signal: stop.signal,
        log: (line) => {
          if (line.startsWith('step 1/')) stop.abort('test');
        },
      });
      // A one-step method (bootstrap) has no later step boundary to stop at.
      const methodSteps = result.steps.filter((s) => s.phase !== 'init' && s.phase !== 'final').length;
      expect(first.result.partial).toBe(methodSteps > 1);
      const resumed = await simObjectCount(factory, { checkpointPath, resume: true });
      expect(resumed.result.values).toEqual(result.values);
      expect(resumed.result.final).toEqual(result.final);
      expect(resumed.result.steps.map((s) => [s.step, s.phase, s.accepted, s.valScore])).toEqual(
        result.steps.map((s) => [s.step, s.phase, s.accepted, s.valScore]),
      );
    });
  }
});
