import { ModelCallError, ProviderError, ScriptedModel } from '@llm-autodiff/llm';
import { failingAfter, STOP_ERRORS } from '@llm-autodiff/llm/testing';
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

describe('a stop ends the backward pass', () => {
  it.each(STOP_ERRORS)(
    '%s mid-pass rejects the pass; no failed-feedback gradient is made',
    async (_, stop) => {
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
    },
  );

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
