/**
 * TEST SUPPORT ONLY (never exported): one baseline method trained on ObjectCount in the simulated world
 * through the trainer's `train()` (the same run loop, records, checkpoints and resume as the runner).
 */
import type { Program } from '@llm-autodiff/core';
import { type ChatModel, managedModel, ResponseCache, UsageLedger } from '@llm-autodiff/llm';
import { createSimModel } from '@llm-autodiff/sim';
import { createPipeline, loadTask } from '@llm-autodiff/tasks';
import { type MethodFactory, type TrainResult, train } from '@llm-autodiff/trainer';

export interface SimRunOptions {
  config?: unknown;
  sizes?: { train: number; val: number; test: number };
  checkpointPath?: string;
  resume?: boolean;
  cachePath?: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export async function simObjectCount(
  factory: MethodFactory,
  opts: SimRunOptions = {},
): Promise<{ result: TrainResult; ledger: UsageLedger }> {
  const ledger = new UsageLedger();
  const cache = opts.cachePath ? new ResponseCache({ path: opts.cachePath }) : undefined;
  const model = (name: string): ChatModel => managedModel(createSimModel(name), { ledger, cache });
  const teacherModel = model('teacher');
  const program = createPipeline('object-count', {
    model: model('task'),
    demos: factory.tunes.includes('demos'),
  });
  const teacher = {
    ...program,
    forwardLoss: (ex: Parameters<typeof program.forwardLoss>[0]) =>
      program.forwardLoss(ex, { model: teacherModel, role: 'teacher' }),
    predict: (ex: Parameters<typeof program.predict>[0]) =>
      program.predict(ex, { model: teacherModel, role: 'teacher' }),
  };
  const splits = await loadTask('object-count');
  const sizes = opts.sizes ?? { train: 20, val: 20, test: 10 };
  const large = model('large');
  const result = await train({
    program: program as Program<unknown>,
    teacher: teacher as Program<unknown>,
    data: {
      train: splits.train.slice(0, sizes.train),
      val: splits.val.slice(0, sizes.val),
      test: splits.test.slice(0, sizes.test),
    },
    models: { backward: large, optimizer: large },
    method: factory,
    methodConfig: opts.config,
    trainer: { seed: 2025 },
    usage: ledger,
    checkpointPath: opts.checkpointPath,
    resume: opts.resume,
    signal: opts.signal,
    log: opts.log,
  });
  return { result, ledger };
}
