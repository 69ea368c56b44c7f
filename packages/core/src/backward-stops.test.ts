import {
  BudgetExceededError,
  CacheMissError,
  CallsStoppedError,
  type ChatModel,
  ModelCallError,
  ProviderError,
  ScriptedModel,
} from '@llm-autodiff/llm';
import { cannedResponse } from '@llm-autodiff/llm/testing';
import { describe, expect, it } from 'vitest';
import { queryAnswerChain } from '../testing';
import { backward } from './backward';
import { sum } from './loss';

/** Two wrong samples of the query -> answer chain: each needs three engine calls (loss, answer, query). */
async function chain() {
  const task = ScriptedModel.fn((req) => (req.messages.some((m) => m.content.includes('hint')) ? 'x' : 'q?'));
  const { qInstr, aInstr, run } = queryAnswerChain(task);
  const root = sum(await Promise.all(['s1', 's2'].map((id) => run(id, id, 'gold'))));
  return { qInstr, aInstr, root };
}

/** An engine that answers its first `answered` calls and then throws `error()` on every call. */
function failingAfter(answered: number, error: () => unknown): ChatModel & { calls: number } {
  const engine = {
    id: 'engine',
    calls: 0,
    async complete() {
      engine.calls++;
      if (engine.calls > answered) throw error();
      return cannedResponse('feedback', { model: 'engine' });
    },
  };
  return engine;
}

const stops: Array<[string, () => unknown]> = [
  ['a stopping run (signal)', () => new CallsStoppedError('engine', 'SIGTERM')],
  ['a spent budget', () => new BudgetExceededError('total', 'calls', 2, 2)],
  ['a replay miss', () => new CacheMissError({ modelId: 'engine', digest: 'abc', excerpt: 'q' })],
];

describe('a stop ends the backward pass', () => {
  it.each(stops)('%s mid-pass rejects the pass; no failed-feedback gradient is made', async (_, stop) => {
    const { qInstr, aInstr, root } = await chain();
    const thrown = stop();
    const engine = failingAfter(2, () => thrown);
    await expect(backward(root, { engine, concurrency: 1 })).rejects.toBe(thrown);
    const gradients = [
      ...qInstr.gradients,
      ...aInstr.gradients,
      ...root.predecessors.flatMap((l) => l.gradients),
    ];
    expect(gradients.filter((g) => g.isFailure)).toEqual([]);
    // The pass ended at the stop: no call was sent after it (2 answered + the refused one).
    expect(engine.calls).toBe(3);
  });

  it('a call that fails on its own still becomes a failed-feedback gradient and the pass goes on', async () => {
    const { qInstr, aInstr, root } = await chain();
    const engine = failingAfter(2, () => new ModelCallError(ProviderError.http('engine', 500, 'boom'), 3));
    const report = await backward(root, { engine, concurrency: 1 });
    expect(report.calls).toBe(engine.calls);
    expect(report.calls).toBeGreaterThan(3);
    expect(report.failures).toBe(engine.calls - 2);
    expect([...qInstr.gradients, ...aInstr.gradients].filter((g) => g.isFailure)).not.toEqual([]);
  });
});
