import { type BackwardAccounting, backward, sum } from '@llm-autodiff/core';
import { describe, expect, it } from 'vitest';
import { feedbackEngine } from '../../testing/graph';
import { EXAMPLE, ragModel, world } from '../../testing/hotpot-world';
import { hotpotCyclePipeline } from './hotpot-cycle';
import { hotpotVanillaPipeline } from './hotpot-vanilla';

/** Backward-engine calls for one batch of four samples, `correct` of them answered right. */
async function engineCalls(
  pipeline: 'vanilla' | 'cycle',
  accounting: BackwardAccounting,
  correct = 0,
): Promise<number> {
  const losses = [];
  for (let i = 0; i < 4; i++) {
    const model = ragModel({ queries: ['Scott Derrickson', 'Ed Wood'], answer: i < correct ? 'yes' : 'no' });
    const p =
      pipeline === 'vanilla'
        ? hotpotVanillaPipeline({ model, retriever: world() })
        : hotpotCyclePipeline({ model, retriever: world() });
    losses.push((await p.forwardLoss({ ...EXAMPLE, id: `${EXAMPLE.id}-${i}` })).loss);
  }
  return (await backward(sum(losses), { engine: feedbackEngine(), accounting })).calls;
}

describe('backward-call accounting on the HotPotQA pipelines (scripted models)', () => {
  it('four failing samples: vanilla 8 calls (paper) vs 16 (reference), cycle 36 vs 44', async () => {
    expect(await engineCalls('vanilla', 'paper')).toBe(8);
    expect(await engineCalls('vanilla', 'reference')).toBe(16);
    expect(await engineCalls('cycle', 'paper')).toBe(36);
    expect(await engineCalls('cycle', 'reference')).toBe(44);
  });

  it('mixed batches differ more: the reference asks for retrievers on correct samples too', async () => {
    expect(await engineCalls('vanilla', 'paper', 2)).toBe(MIXED.vanilla.paper);
    expect(await engineCalls('vanilla', 'reference', 2)).toBe(MIXED.vanilla.reference);
    expect(await engineCalls('cycle', 'paper', 2)).toBe(MIXED.cycle.paper);
    expect(await engineCalls('cycle', 'reference', 2)).toBe(MIXED.cycle.reference);
  });
});

// Two failing + two correct samples. A correct sample costs only the loss call under the paper's rule
// (generators and functions skip); the reference adds one call per retriever call and, in the cycle, one
// per input of the function joining both hops' passages (no score threshold on the functional path).
const MIXED = { vanilla: { paper: 6, reference: 12 }, cycle: { paper: 20, reference: 32 } };
