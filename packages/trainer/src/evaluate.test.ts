import type { Program } from '@llm-autodiff/core';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate';

/** A program whose prediction for sample i is correct when `correct[i]`; counts predictions made. */
function fakeProgram(correct: boolean[]): Program<number> & { predictions: number } {
  const program = {
    name: 'fake',
    predictions: 0,
    parameters: () => [],
    sampleId: (i: number) => `s${i}`,
    predict: async (i: number) => {
      program.predictions++;
      await new Promise((r) => setTimeout(r, 1));
      return { value: correct[i], text: String(correct[i]) };
    },
    evalScore: (_i: number, p: { value: unknown }) => (p.value ? 1 : 0),
    forwardLoss: async () => {
      throw new Error('not used');
    },
  };
  return program;
}

describe('evaluate', () => {
  it('scores the whole set concurrently', async () => {
    const p = fakeProgram([true, false, true, true]);
    const r = await evaluate(p, [0, 1, 2, 3], { concurrency: 2 });
    expect(r).toMatchObject({ score: 0.75, complete: true, evaluated: 4, total: 4 });
    expect(r.perItem).toEqual({ s0: 1, s1: 0, s2: 1, s3: 1 });
  });

  it('stops issuing predictions once the best score cannot be beaten', async () => {
    const correct = Array.from({ length: 20 }, (_, i) => i >= 10);
    const p = fakeProgram(correct);
    const ids = correct.map((_, i) => i);
    const r = await evaluate(p, ids, { concurrency: 2, mustBeat: 0.6 });
    expect(r.complete).toBe(false);
    // After 8 wrong answers the best possible mean is 12/20 = 0.6, which cannot beat 0.6.
    expect(p.predictions).toBeLessThanOrEqual(10);
    const q = fakeProgram(correct);
    const full = await evaluate(q, ids, { concurrency: 2, mustBeat: 0.4 });
    expect(full).toMatchObject({ complete: true, score: 0.5 });
    expect(q.predictions).toBe(20);
  });
});
