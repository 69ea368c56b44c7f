import { managedModel, UsageLedger } from '@llm-autodiff/llm';
import { Rng, train } from '@llm-autodiff/trainer';
import { toyBackwardModel, toyData, toyProgram, toyTaskModel } from '@llm-autodiff/trainer/testing';
import { describe, expect, it } from 'vitest';
import { toyOptimizerModel } from '../testing/toy-optimizer';
import { weightedSample } from './demo-method';
import { gdpoMethod } from './gdpo-method';

const data = { train: toyData(0, 40), val: toyData(40, 20), test: toyData(60, 20) };

describe('demo optimization', () => {
  it('bootstraps teacher demos and accepts them only on a validation improvement', async () => {
    const ledger = new UsageLedger();
    const program = toyProgram(managedModel(toyTaskModel(5), { ledger, limits: false }), { demos: true });
    // The teacher: the same pipeline on a model that solves every sample.
    const teacher = toyProgram(
      managedModel(toyTaskModel(10, 'scripted:toy-teacher'), { ledger, limits: false, labels: {} }),
      { demos: true },
    );
    const r = await train({
      program,
      teacher,
      data,
      models: { optimizer: toyOptimizerModel(), backward: toyBackwardModel() },
      method: gdpoMethod,
      methodConfig: { steps: 0, demos: { steps: 2, bootstrapShots: 2, rawShots: 1 } },
      usage: ledger,
    });
    const demoSteps = r.steps.filter((s) => s.phase === 'demo');
    expect(demoSteps).toHaveLength(2);
    expect(demoSteps[0]?.accepted).toBe(true);
    const demos = program.demos?.value ?? [];
    expect(demos.length).toBeGreaterThanOrEqual(2);
    // Teacher demos carry the teacher's (correct) answers.
    for (const d of demos) expect(d.output).toBe(`A${d.sampleId?.slice(1)}`);
    expect(r.final.val).toBeGreaterThan(r.initial?.val ?? Number.NaN);
    expect(r.values.demos).toEqual(demos);
  });

  it('weighted sampling prefers heavy items and never repeats', () => {
    const rng = new Rng(1);
    let heavy = 0;
    for (let i = 0; i < 200; i++) {
      const pick = weightedSample(['a', 'b', 'c'], [1e-5, 1, 1e-5], 1, rng);
      if (pick[0] === 'b') heavy++;
    }
    expect(heavy).toBeGreaterThan(190);
    expect(new Set(weightedSample(['a', 'b', 'c'], [1, 1, 1], 3, rng)).size).toBe(3);
  });
});
