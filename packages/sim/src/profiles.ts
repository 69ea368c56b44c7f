/**
 * Model profiles: how often each simulated model slips and errs. Any profile serves every role; the
 * role comes from the request text.
 */
export interface SimProfile {
  /** Canonical model id, e.g. `sim:task`. */
  id: string;
  /** Base probability of a random mistake on a task call. */
  slip: number;
  /** Multiplier on every skill's failure rate (a stronger model falls into traps less often). */
  failureScale: number;
  /** Probability that backward feedback names the wrong concept. */
  backwardWrongRate: number;
  /** Probability that an optimizer proposal drops a sentence (a regression validation must catch). */
  breakRate: number;
}

export const PROFILES: Record<'task' | 'teacher' | 'large', SimProfile> = {
  task: { id: 'sim:task', slip: 0.04, failureScale: 1, backwardWrongRate: 0.12, breakRate: 0.1 },
  teacher: { id: 'sim:teacher', slip: 0.01, failureScale: 1, backwardWrongRate: 0.08, breakRate: 0.08 },
  large: { id: 'sim:large', slip: 0.01, failureScale: 0.7, backwardWrongRate: 0.06, breakRate: 0.06 },
};

export type SimModelName = keyof typeof PROFILES;

export function profileFor(name: string): SimProfile {
  const key = name.replace(/^sim[:-]/, '') as SimModelName;
  const p = PROFILES[key];
  if (!p) throw new Error(`sim: unknown model "${name}" (known: sim:task, sim:teacher, sim:large)`);
  return p;
}
