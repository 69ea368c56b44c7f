import type { Example } from './data/datasets';

/** The kind of task call, read from the output format the prompt asks for. */
export type CallKind = 'count' | 'classify' | 'answer' | 'query' | 'react';

/**
 * A skill is a hidden rule of a task world: a trap some examples have, the concept an instruction must
 * express to handle it, and how often the model falls into the trap when the concept is missing.
 */
export interface Skill<E extends Example = Example> {
  id: string;
  /** The kind of call this skill belongs to (a query-writing concept does not help an answer call). */
  kind: CallKind;
  /** Plain name of the concept, used in optimizer reasoning. */
  concept: string;
  /** A sentence matching one of these mentions the concept (reading.ts decides whether it asks for it). */
  cue: RegExp[];
  /** Sentences that ask for the opposite without a negation word ("Count each listed phrase once."). */
  contrary?: RegExp[];
  /** Probability that a trap is fallen into when the concept is missing. */
  failureRate: number;
  applies(example: E): boolean;
  /** Backward-engine paraphrases naming the concept; each must match `cue`. */
  feedback: string[];
  /** Instruction sentences the optimizer adds; each must match `cue`. */
  sentences: string[];
}

/** Whether `text` mentions the concept at all (feedback and reasoning; the task model reads, see reading.ts). */
export function expresses(skill: Pick<Skill, 'cue'>, instruction: string): boolean {
  return skill.cue.some((re) => re.test(instruction));
}

/**
 * A cue that needs two ideas in one sentence (in either order): a concept is recognized by what it says,
 * not by one keyword that also has unrelated senses ("quantity of text", "city newspaper").
 */
export function near(a: string, b: string): RegExp {
  // A period ends the sentence only when a space or line end follows ("When...?" and "e.g.," do not).
  const gap = String.raw`(?:[^.\n]|\.(?=[^\s]))*`;
  return new RegExp(`(?:${a})${gap}(?:${b})|(?:${b})${gap}(?:${a})`, 'i');
}
