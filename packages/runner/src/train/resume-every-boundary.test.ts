/**
 * Issue 21: every registered method, killed at each of its checkpoint boundaries in turn (the trainer's
 * `afterCheckpoint` hook throws: nothing after the checkpoint happens, as with a SIGKILL), resumes to the
 * same values, scores and step records as its uninterrupted run; a finished run resumed gives its result.
 * Small splits and a shared response cache keep the repeated runs short.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrainResult } from '@llm-autodiff/trainer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simMethodRun } from '../../testing';
import { HAS_DATA, needsData } from '../../testing/data';
import { methods } from '../methods';

/** A few steps each; a method not listed runs with its defaults. */
const SMALL_CONFIGS: Record<string, unknown> = {
  gdpo: { steps: 2, proposalsPerStep: 2 },
  textgrad: { epochs: 1, stepsPerEpoch: 2, batchSize: 2 },
  bootstrap: { maxBootstrappedDemos: 2, maxLabeledDemos: 2 },
  bfsrs: { maxBootstrappedDemos: 2, maxLabeledDemos: 2, numCandidatePrograms: 2 },
  mipro: { numCandidates: 2, numTrials: 3, minibatchSize: 3, maxBootstrappedDemos: 1, maxLabeledDemos: 1 },
  gepa: { maxMetricCalls: 60 },
};

class Killed extends Error {}

/** What must be identical between a killed-and-resumed run and an uninterrupted one. */
function outcome(r: TrainResult): unknown {
  const { wallMs: _w, usage: _u, spent: _s, steps, ...rest } = r as TrainResult & { spent?: unknown };
  return { ...rest, steps: steps.map(({ wallMs: _sw, usage: _su, ...s }) => s) };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'autodiff-boundaries-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!HAS_DATA)(needsData('resume at every checkpoint boundary'), () => {
  it('covers every registered method', () => {
    expect(methods.list().length).toBeGreaterThanOrEqual(6);
  });

  for (const factory of methods.list()) {
    const method = factory.name;
    it(`${method}: killed after each checkpoint, the resume ends as the uninterrupted run`, async () => {
      const methodConfig = SMALL_CONFIGS[method];
      const cachePath = join(dir, `${method}.sqlite`);
      const boundaries: number[] = [];
      const straightPath = join(dir, `${method}-straight.json`);
      const straight = await simMethodRun({
        method,
        methodConfig,
        cachePath,
        checkpointPath: straightPath,
        afterCheckpoint: (step) => {
          boundaries.push(step);
        },
      });
      expect(straight.partial).toBe(false);
      expect(boundaries.length).toBeGreaterThanOrEqual(2);

      for (let k = 0; k < boundaries.length; k++) {
        const checkpointPath = join(dir, `${method}-kill-${k}.json`);
        let seen = 0;
        await expect(
          simMethodRun({
            method,
            methodConfig,
            cachePath,
            checkpointPath,
            afterCheckpoint: () => {
              if (seen++ === k) throw new Killed(`killed after checkpoint ${k}`);
            },
          }),
        ).rejects.toBeInstanceOf(Killed);
        const resumed = await simMethodRun({ method, cachePath, checkpointPath, resume: true });
        expect(outcome(resumed), `${method} killed after checkpoint ${k} (step ${boundaries[k]})`).toEqual(
          outcome(straight),
        );
      }

      const again = await simMethodRun({ method, cachePath, checkpointPath: straightPath, resume: true });
      expect(outcome(again)).toEqual(outcome(straight));
    }, 240_000);
  }
});
