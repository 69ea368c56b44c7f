/**
 * TEST SUPPORT: any registered method trained on a small ObjectCount in the simulated world, wired by
 * `setupRun` like `autodiff train` (teacher, demos slot when the method tunes demos, run salt), with the
 * trainer's test hooks passed through; the kill-at-every-boundary test runs every method through it.
 */
import { ResponseCache, runCacheSalt } from '@llm-autodiff/llm';
import { type TrainOptions, type TrainResult, train } from '@llm-autodiff/trainer';
import '../src/methods';
import { wantsDemosSlot } from '../src/run-config';
import { setupRun } from '../src/run-setup';

export interface MethodRunOptions {
  method: string;
  methodConfig?: unknown;
  checkpointPath: string;
  cachePath: string;
  resume?: boolean;
  sizes?: { train: number; val: number; test: number };
  afterCheckpoint?: TrainOptions<unknown>['afterCheckpoint'];
  budget?: TrainOptions<unknown>['budget'];
}

const SEED = 7;

export async function simMethodRun(opts: MethodRunOptions): Promise<TrainResult> {
  const cache = new ResponseCache({ path: opts.cachePath });
  try {
    const runSalt = runCacheSalt({ seed: SEED });
    const run = await setupRun({
      pipeline: 'object-count',
      cache,
      runSalt,
      limits: opts.sizes ?? { train: 8, val: 6, test: 4 },
      demos: wantsDemosSlot(opts.method, (opts.methodConfig ?? {}) as { demos?: { steps?: number } }),
    });
    return await train({
      program: run.program,
      teacher: run.teacher,
      data: run.data,
      models: { optimizer: run.models.optimizer, backward: run.models.backward },
      method: opts.method,
      methodConfig: opts.resume ? undefined : opts.methodConfig,
      trainer: opts.resume ? undefined : { seed: SEED },
      usage: run.ledger,
      checkpointPath: opts.checkpointPath,
      resume: opts.resume,
      onStep: run.setStep,
      cacheSalt: runSalt,
      lock: false,
      afterCheckpoint: opts.afterCheckpoint,
      budget: opts.budget,
    });
  } finally {
    cache.close();
  }
}
