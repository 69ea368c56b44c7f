/**
 * Calls and tokens per step, through the trainer's `train()` and the llm ledger, on the scripted toy
 * world: every step record's per-role usage equals what the algorithm's definition says it spends, and
 * the tokens billed are exactly those of the requests the scripted models received in that step.
 */
import { type ChatModel, managedModel, type ScriptedModel, UsageLedger } from '@llm-autodiff/llm';
import { type MethodFactory, type StepRecord, train } from '@llm-autodiff/trainer';
import { describe, expect, it } from 'vitest';
import { toyBackwardModel, toyData, toyOptimizerModel, toyProgram, toyTaskModel } from '../testing/toy';
import { gepaFactory } from './gepa/method';
import { textgradFactory } from './textgrad/method';

async function run(factory: MethodFactory, config: unknown, edit: (i: number) => string) {
  const ledger = new UsageLedger();
  const scripted = { task: toyTaskModel(), backward: toyBackwardModel(), optimizer: toyOptimizerModel(edit) };
  const wrap = (m: ScriptedModel): ChatModel => managedModel(m, { ledger });
  const program = toyProgram(wrap(scripted.task));
  const result = await train({
    program,
    data: { train: toyData(0, 12), val: toyData(100, 10), test: toyData(200, 4) },
    models: { backward: wrap(scripted.backward), optimizer: wrap(scripted.optimizer) },
    method: factory,
    methodConfig: config,
    trainer: { seed: 7, concurrency: 3, earlyStopValidation: false },
    usage: ledger,
  });
  return { result, scripted };
}

/** Prompt + completion tokens of the scripted calls made with `role` in `step`. */
function tokensOf(m: ScriptedModel, step: number): number {
  return m.calls
    .filter((c) => c.context?.labels?.step === step)
    .reduce((s, c) => s + c.response.usage.promptTokens + c.response.usage.completionTokens, 0);
}

const used = (r: StepRecord, role: string) =>
  r.usage[role] ?? { calls: 0, promptTokens: 0, completionTokens: 0 };

describe('per-step accounting', () => {
  it('textgrad: backward = 2 per sample, 1 TGD call, task = batch + |val|; tokens are the requests sent', async () => {
    const { result, scripted } = await run(textgradFactory, { epochs: 1, stepsPerEpoch: 3 }, (i) =>
      i === 1 ? 'sloppy' : 'careful',
    );
    const steps = result.steps.filter((s) => s.phase === 'text');
    expect(steps).toHaveLength(3);
    for (const r of steps) {
      expect(used(r, 'backward').calls).toBe(2 * r.batch.length);
      expect(used(r, 'optimizer').calls).toBe(1);
      expect(used(r, 'task').calls).toBe(r.batch.length + (r.attempts[0]?.valEvaluated ?? 0));
      const b = used(r, 'backward');
      expect(b.promptTokens + b.completionTokens).toBe(tokensOf(scripted.backward, r.step));
      const o = used(r, 'optimizer');
      expect(o.promptTokens + o.completionTokens).toBe(tokensOf(scripted.optimizer, r.step));
    }
    // the 'sloppy' proposal of step 2 was reverted by the validation gate
    expect(steps.map((s) => s.accepted)).toEqual([true, false, true]);
  });

  it('gepa: 2 x minibatch + 1 reflection per iteration, + |val| on acceptance; ends at its budget', async () => {
    const { result } = await run(gepaFactory, { maxMetricCalls: 60, useMerge: false }, () => 'careful');
    const steps = result.steps.filter((s) => s.phase === 'reflect');
    expect(steps.length).toBeGreaterThan(0);
    let metric = 10; // the initial validation counts
    for (const r of steps) {
      const reflected = r.gates.tried === 1;
      const task = used(r, 'task').calls;
      if (!reflected) expect(task).toBe(r.batch.length);
      else expect(task).toBe(2 * r.batch.length + (r.accepted ? 10 : 0));
      expect(used(r, 'optimizer').calls).toBe(reflected ? 1 : 0);
      expect(used(r, 'backward').calls).toBe(0);
      metric += task;
    }
    expect(metric).toBeGreaterThanOrEqual(60);
    expect(metric - (steps.at(-1) ? used(steps.at(-1) as StepRecord, 'task').calls : 0)).toBeLessThan(60);
  });
});
