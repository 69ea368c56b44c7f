/**
 * TEST SUPPORT: a small GDPO run on ObjectCount in the simulated world, wired by `setupRun` like
 * `autodiff train`; shared by the in-process sim tests and the child process of the kill/resume test.
 */
import type { GdpoConfigInput } from '@llm-autodiff/gdpo';
import { ResponseCache, type UsageLedger } from '@llm-autodiff/llm';
import type { LatencySpec } from '@llm-autodiff/sim';
import { type TrainResult, train } from '@llm-autodiff/trainer';
import '../src/methods';
import { setupRun } from '../src/run-setup';

export interface SimRunOptions {
  config: GdpoConfigInput;
  seed?: number;
  sizes?: { train?: number; val: number; test: number };
  checkpointPath?: string;
  resume?: boolean;
  cachePath?: string;
  latency?: LatencySpec;
}

export interface SimRun {
  result: TrainResult;
  ledger: UsageLedger;
}

export async function simObjectCountRun(opts: SimRunOptions): Promise<SimRun> {
  const run = await setupRun({
    pipeline: 'object-count',
    cache: opts.cachePath ? new ResponseCache({ path: opts.cachePath }) : undefined,
    settings: opts.latency ? { latency: opts.latency } : undefined,
    limits: opts.sizes ?? { val: 30, test: 20 },
  });
  const result = await train({
    program: run.program,
    data: run.data,
    models: { optimizer: run.models.optimizer, backward: run.models.backward },
    method: 'gdpo',
    methodConfig: opts.config,
    trainer: opts.seed === undefined ? undefined : { seed: opts.seed },
    usage: run.ledger,
    checkpointPath: opts.checkpointPath,
    resume: opts.resume,
  });
  return { result, ledger: run.ledger };
}

export function backwardTokens(ledger: UsageLedger): number {
  const b = ledger.byRole().backward;
  return b ? b.promptTokens + b.completionTokens : 0;
}
