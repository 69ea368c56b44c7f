/**
 * Evaluation of a program on a data set, with concurrency and early stopping: when the mean can no
 * longer strictly beat `mustBeat` even if every remaining sample scored 1, no further predictions are
 * issued (calls in flight still finish). The decision "cannot beat" does not depend on completion order,
 * so an early-stopped evaluation is a rejection in every run.
 */
import type { Program } from '@llm-autodiff/core';
import { mapLimit } from '@llm-autodiff/llm';

/**
 * Scores closer than this count as equal. Means of fractional metrics (F1) carry float noise of ~1e-16;
 * the gates and the early stop use the same rule, so a decision never depends on timing or summation order.
 */
export const SCORE_EPS = 1e-9;

/** `a` strictly beats `b` (by more than float noise). */
export function beats(a: number, b: number): boolean {
  return a > b + SCORE_EPS;
}

export interface Evaluation {
  /** Mean over the whole set when complete; the mean of the evaluated samples otherwise. */
  score: number;
  complete: boolean;
  evaluated: number;
  total: number;
  perItem: Record<string, number>;
}

export interface EvaluateOptions<E> {
  concurrency: number;
  /** Stop once the final mean cannot be strictly greater than this. */
  mustBeat?: number;
  /** Score function; default the program's eval metric on a prediction. */
  score?: (example: E) => Promise<number>;
}

export async function evaluate<E>(
  program: Program<E>,
  examples: readonly E[],
  opts: EvaluateOptions<E>,
): Promise<Evaluation> {
  const n = examples.length;
  if (n === 0) return { score: 0, complete: true, evaluated: 0, total: 0, perItem: {} };
  let done = 0;
  let sum = 0;
  const scoreOne = async (ex: E): Promise<number> => {
    if (opts.score) return opts.score(ex);
    const prediction = await program.predict(ex);
    return program.evalScore(ex, prediction);
  };
  const shouldStop = (): boolean => {
    if (opts.mustBeat === undefined) return false;
    // Best case: every sample not finished yet (in flight or not started) scores 1.
    const maxPossible = (sum + (n - done)) / n;
    return !beats(maxPossible, opts.mustBeat);
  };
  const perItem: Record<string, number> = {};
  const results = await mapLimit(
    examples,
    opts.concurrency,
    async (ex) => {
      const s = await scoreOne(ex);
      sum += s;
      done += 1;
      return s;
    },
    shouldStop,
  );
  // Sum in input order, not completion order: float sums must not depend on which call finished first
  // (the gates compare these means with strict inequalities).
  let ordered = 0;
  results.forEach((s, i) => {
    if (s === undefined) return;
    ordered += s;
    perItem[program.sampleId(examples[i] as E)] = s;
  });
  const complete = done === n;
  return {
    score: complete ? ordered / n : done > 0 ? ordered / done : 0,
    complete,
    evaluated: done,
    total: n,
    perItem,
  };
}
