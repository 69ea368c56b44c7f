/**
 * GDPO's exact calls for one constrained step, written from AdalFlow's trainer (`_fit_text_grad_constraint`):
 * forward the batch; backward on the error-focused subset only (≤ 2 errors + ≤ 2 correct; a sample scoring
 * above 0.9 gets no engine call); per proposal one optimizer call per trainable prompt and the subset
 * re-run; the validation set only for a proposal that strictly beats the subset; the first that beats the
 * best validation score ends the step. A change that drifts from this count fails here.
 */
import { managedModel, UsageLedger } from '@llm-autodiff/llm';
import { train } from '@llm-autodiff/trainer';
import {
  type ToyExample,
  toyBackwardModel,
  toyData,
  toyProgram,
  toyTaskModel,
} from '@llm-autodiff/trainer/testing';
import { describe, expect, it } from 'vitest';
import { toyOptimizerModel } from '../testing/toy-optimizer';
import { gdpoMethod } from './gdpo-method';

/** Training questions the starting prompt gets wrong and "careful" gets right (n % 10 in 5..6). */
const fixable: ToyExample[] = [5, 6, 15, 16, 25, 26, 35, 36].map((n) => ({
  id: `q${n}`,
  n,
  answer: `A${n}`,
}));

describe('gdpo: exact calls of one constrained step', () => {
  it('task = batch + proposals x subset + |val| of the accepted; backward = 2 per error in the subset; optimizer = proposals', async () => {
    const ledger = new UsageLedger();
    const wrap = <M extends Parameters<typeof managedModel>[0]>(m: M) =>
      managedModel(m, { ledger, limits: false });
    const optimizer = toyOptimizerModel();
    const r = await train({
      program: toyProgram(wrap(toyTaskModel())),
      data: { train: fixable, val: toyData(40, 20), test: [] },
      models: { optimizer: wrap(optimizer), backward: wrap(toyBackwardModel()) },
      method: gdpoMethod,
      methodConfig: { steps: 1, batchSize: 4, proposalsPerStep: 3 },
      usage: ledger,
    });
    const step = r.steps.find((s) => s.phase === 'text');
    // The batch: 4 errors (score 0); subset: 2 errors, no correct sample to add.
    // Proposal 1 ("sloppy") ties the subset at 0 and fails the mini-batch gate; proposal 2 ("careful")
    // makes the subset perfect, then scores 0.7 on validation (was 0.5): accepted, proposal 3 not made.
    expect(step?.attempts.map((a) => a.accepted)).toEqual([false, true]);
    const usage = step?.usage as Record<string, { calls: number }>;
    expect(usage.task?.calls).toBe(4 + 2 * 2 + 20);
    // One engine call for the loss's feedback on the answer and one for the prompt, per error sample.
    expect(usage.backward?.calls).toBe(2 * 2);
    expect(usage.optimizer?.calls).toBe(2);
    expect(optimizer.calls).toHaveLength(2);
    expect(r.final.val).toBe(0.7);
  });
});
