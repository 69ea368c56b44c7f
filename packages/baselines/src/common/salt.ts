import type { RunContext } from '@llm-autodiff/trainer';

/**
 * Cache salt of a proposal call: the run's salt, the step and the candidate index. Every call is cached
 * (a rerun replays it), yet two candidates of one step, or one candidate in two steps, are two samples.
 */
export function proposalSalt(
  run: Pick<RunContext<unknown>, 'cacheSalt' | 'step'>,
  candidate: number | string,
): string {
  return `${run.cacheSalt}:step:${run.step}:c${candidate}`;
}
