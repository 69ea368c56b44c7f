import { generator, loss, param, runSample, sum } from '@llm-autodiff/core';
import { ModelCallError, ProviderError, ScriptedModel } from '@llm-autodiff/llm';
import { failingAfter, STOP_ERRORS } from '@llm-autodiff/llm/testing';
import { describe, expect, it } from 'vitest';
import { textgradBackward } from './backward';

/** Two samples of A -> B -> loss: each needs a base call and chain calls for pB, A's output and pA. */
async function chain() {
  const model = ScriptedModel.fn(() => 'x', { id: 'scripted:m' });
  const pA = param('A instr', { name: 'a', description: 'first instruction' });
  const pB = param('B instr', { name: 'b', description: 'second instruction' });
  const a = generator<{ q: string }>({ name: 'A', model, system: [pA], user: ({ q }) => q });
  const b = generator<{ x: string }>({ name: 'B', model, system: [pB], user: ({ x }) => x });
  const losses = await Promise.all(
    ['s1', 's2'].map((id) =>
      runSample(id, 'train', async () => loss(await b({ x: await a({ q: id }) }), 'y', () => 0)),
    ),
  );
  return { params: [pA, pB], root: sum(losses) };
}

describe("a stop ends TextGrad's backward pass", () => {
  it.each(STOP_ERRORS)('%s mid-pass rejects it; no failed-feedback gradient is made', async (_, stop) => {
    const { params, root } = await chain();
    const thrown = stop();
    const engine = failingAfter(2, () => thrown);
    await expect(textgradBackward(root, { engine, concurrency: 1 })).rejects.toBe(thrown);
    expect(params.flatMap((p) => p.gradients).filter((g) => g.isFailure)).toEqual([]);
    expect(engine.calls).toBe(3);
  });

  it('a call that fails on its own becomes a failed gradient and the pass goes on', async () => {
    const { params, root } = await chain();
    const engine = failingAfter(2, () => new ModelCallError(ProviderError.http('engine', 500, 'boom'), 3));
    const report = await textgradBackward(root, { engine, concurrency: 1 });
    expect(report.calls).toBe(engine.calls);
    expect(report.failures).toBe(engine.calls - 2);
    expect(params.flatMap((p) => p.gradients).some((g) => g.isFailure)).toBe(true);
  });
});
