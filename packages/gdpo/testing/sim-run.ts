/**
 * TEST SUPPORT ONLY (never exported): a small GDPO run on ObjectCount in the simulated world, shared by
 * the in-process sim tests and the child process of the kill/resume test.
 */
import { type ChatModel, managedModel, ResponseCache, UsageLedger } from '@llm-autodiff/llm';
import { createSimModel, type LatencySpec } from '@llm-autodiff/sim';
import { createPipeline, loadTask } from '@llm-autodiff/tasks';
import { type TrainResult, train } from '@llm-autodiff/trainer';
import type { GdpoConfigInput } from '../src/config';
import { gdpoMethod } from '../src/gdpo-method';

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
  const ledger = new UsageLedger();
  const cache = opts.cachePath ? new ResponseCache({ path: opts.cachePath }) : undefined;
  const model = (name: string): ChatModel =>
    managedModel(createSimModel(name, { latency: opts.latency }), { ledger, cache });
  const large = model('large');
  const program = createPipeline('object-count', { model: model('task') });
  const splits = await loadTask('object-count');
  const sizes = opts.sizes ?? { val: 30, test: 20 };
  const data = {
    train: splits.train.slice(0, sizes.train ?? splits.train.length),
    val: splits.val.slice(0, sizes.val),
    test: splits.test.slice(0, sizes.test),
  };
  const result = await train({
    program,
    data,
    models: { optimizer: large, backward: large },
    method: gdpoMethod,
    methodConfig: opts.config,
    trainer: opts.seed === undefined ? undefined : { seed: opts.seed },
    usage: ledger,
    checkpointPath: opts.checkpointPath,
    resume: opts.resume,
  });
  return { result, ledger };
}

export function backwardTokens(ledger: UsageLedger): number {
  const b = ledger.byRole().backward;
  return b ? b.promptTokens + b.completionTokens : 0;
}
