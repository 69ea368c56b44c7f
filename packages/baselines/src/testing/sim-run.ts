/**
 * TEST SUPPORT ONLY (never exported): one baseline method on ObjectCount in the simulated world, through
 * the minimal TestRun context (initial validation, steps, best score tracking).
 */
import type { Program } from '@llm-autodiff/core';
import { type ChatModel, managedModel, UsageLedger } from '@llm-autodiff/llm';
import { createSimModel } from '@llm-autodiff/sim';
import { createPipeline, loadTask } from '@llm-autodiff/tasks';
import type { MethodFactory } from '../seam';
import { TestRun } from './toy';

export interface SimMethodRun {
  initial: number;
  final: number;
  steps: number;
  accepted: number;
  ledger: UsageLedger;
}

export async function simObjectCount(
  factory: MethodFactory,
  config: unknown,
  sizes = { train: 20, val: 20 },
): Promise<SimMethodRun> {
  const ledger = new UsageLedger();
  const model = (name: string): ChatModel => managedModel(createSimModel(name), { ledger });
  const teacherModel = model('teacher');
  const program = createPipeline('object-count', {
    model: model('task'),
    demos: factory.tunes.includes('demos'),
  });
  const teacher: Program<unknown> = {
    ...program,
    forwardLoss: (ex) => program.forwardLoss(ex as never, { model: teacherModel, role: 'teacher' }),
    predict: (ex) => program.predict(ex as never, { model: teacherModel, role: 'teacher' }),
  } as Program<unknown>;
  const splits = await loadTask('object-count');
  const large = model('large');
  const run = new TestRun<unknown>({
    program: program as Program<unknown>,
    teacher,
    data: { train: splits.train.slice(0, sizes.train), val: splits.val.slice(0, sizes.val), test: [] },
    models: { backward: large, optimizer: large },
    seed: 2025,
  });
  const created = factory.create({
    config: factory.resolveConfig(config),
    parameters: program.parameters(),
    models: run.models,
    hasTeacher: true,
  });
  const methods = Array.isArray(created) ? created : [created];
  const val = await run.evaluate(run.data.val);
  run.bestVal = val.score;
  let steps = 0;
  let accepted = 0;
  for (const m of methods) {
    await m.init?.(run, { val });
    for (let s = 1; s <= m.steps(); s++) {
      run.step = s;
      const batch = m.batchSize > 0 ? run.rng.sample(run.data.train, m.batchSize) : [];
      const out = await m.step(run, batch);
      if (out.phase === 'done') break;
      steps++;
      if (out.accepted) accepted++;
      run.bestVal = out.bestVal;
    }
  }
  const final = await run.evaluate(run.data.val);
  return { initial: val.score, final: final.score, steps, accepted, ledger };
}
