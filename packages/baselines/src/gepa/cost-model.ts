/**
 * GEPA's budget in metric calls (the method stops there) and what its calls scale with (trainer's
 * `CostModel`): every metric call is a task call, and each reflection an optimizer call.
 */
import { type CostModel, onePhase, type RunShape } from '@llm-autodiff/trainer';
import type { GepaConfig } from './method';

const AUTO_CANDIDATES = { light: 6, medium: 12, heavy: 18 } as const;

/**
 * DSPy's conversion of an `auto` preset into metric calls: the initial validation, 5 bootstrap trials
 * per candidate, then what a MIPROv2 run of that size would spend (minibatches of 35 and a full
 * evaluation every 5 trials).
 */
export function autoBudget(predictors: number, candidates: number, valSize: number): number {
  const trials = Math.floor(Math.max(2 * (predictors * 2) * Math.log2(candidates), 1.5 * candidates));
  let total = valSize + candidates * 5 + trials * 35;
  if (trials === 0) return total;
  const periodic = Math.floor((trials + 1) / 5) + 1;
  total += (periodic + (trials < 5 ? 1 : 0)) * valSize;
  return total;
}

/** GEPA's budget in metric calls (examples evaluated, the initial validation included). */
export function gepaBudget(
  c: Pick<GepaConfig, 'maxMetricCalls' | 'maxFullEvals' | 'auto'>,
  s: Pick<RunShape, 'train' | 'val' | 'prompts'>,
): number {
  if (c.maxMetricCalls > 0) return c.maxMetricCalls;
  if (c.maxFullEvals > 0) return Math.ceil(c.maxFullEvals * (s.train + s.val));
  return autoBudget(s.prompts, AUTO_CANDIDATES[c.auto], s.val);
}

export const gepaCostModel: CostModel<GepaConfig> = {
  phaseOf: onePhase,
  // The budget depends on the data; this is an upper bound of one prompt's `light` budget per minibatch.
  steps: (c) => Math.ceil(gepaBudget(c, { train: 0, val: 0, prompts: 1 }) / Math.max(1, c.minibatchSize)),
  drivers(c, s) {
    // The trainer's initial validation is part of the budget but counted with the evaluations.
    const spent = Math.max(0, gepaBudget(c, s) - s.val);
    return { steps: { task: spent, optimizer: spent } };
  },
};
