/**
 * How the task model READS an instruction for one concept (CONTRACT.md §2.2): not whether a cue word
 * occurs, but whether a sentence asks for the behaviour. A sentence that matches a skill's cue is
 *  - a statement when it asks for the behaviour ("Multiply each item by its quantity.");
 *  - negated when it forbids it ("Never keep a running total.", "Dates are not NUM.");
 *  - a bare keyword when it is only a term in a list ("Keywords: quantity, category, running total.").
 * A sentence that does not match the cue may still contradict the concept (a skill's `contrary`
 * patterns: "Count each listed phrase once.", "Dates are ENTY."). The verdict per concept:
 * stated (known), keywords (helps a little), misled (negated or contradicted only: hurts), conflicting
 * (stated and contradicted: the model is confused, as if nothing were said), absent.
 */
import type { Skill } from './skills';

export type ConceptState = 'stated' | 'keywords' | 'misled' | 'conflicting' | 'absent';

export interface ConceptReading {
  state: ConceptState;
  /** Distinct sentences that state the concept (a concept stated twice still counts once). */
  statements: number;
}

/**
 * Sentences as the cues see them: a line break, or a period followed by a space, ends one (so do
 * `near()`'s sentence bounds; "When...?" and "e.g.," do not).
 */
export function instructionSentences(text: string): string[] {
  return text
    .split(/\n+|(?<=[.!])\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** A verb of omission after a negator makes a double negation ("do not stop at", "never skip"). */
const DOUBLE_NEGATION =
  /\b(?:do not|don't|never|must not|should not|shouldn't)\s+(?:stop|skip|forget|omit|miss|overlook|neglect|drop|lose)\b/gi;

/** Negators that forbid what follows them in the same clause. */
const NEGATOR =
  /\b(?:never|do not|don't|does not|doesn't|should not|shouldn't|must not|mustn't|need not|needn't|cannot|can't|no need to|avoid\w*|refrain from|instead of|rather than|without|not necessary to|unnecessary to|not)\b/i;

/** A copula or verb of classing, negated: "dates are not NUM", "it does not count as", "isn't". */
const NEGATED_COPULA =
  /(?<!\b(?:that|which|who|items|ones|things)\s)\b(?:is|are|was|were|counts?(?: as)?|belongs?(?: to)?|means?)\s+(?:not|never)\b|\b(?:isn't|aren't)\b|\b(?:does|do)\s+not\s+(?:count|belong|mean|matter|apply)\b|\b(?:doesn't|don't)\s+(?:count|belong|mean|matter|apply)\b/i;

/** A bare list of terms: "Keywords: a, b, c", or short comma-separated fragments, or a 1–3 word line. */
function isKeywordList(sentence: string): boolean {
  const body = sentence.replace(/[.!]$/, '').trim();
  if (/^(key ?words?|concepts?|tags?|topics?|terms?|hints?|notes?)\s*:/i.test(body)) return true;
  const parts = body
    .split(/[,;|•/]|\s+-\s+/)
    .map((p) => p.trim())
    .filter(Boolean);
  const words = (p: string) => p.split(/\s+/).length;
  if (parts.length >= 3 && parts.every((p) => words(p) <= 4)) return true;
  // A line of one to three words without a verb of classing ("running total", "date NUM"); "Dates are NUM." is a sentence.
  return parts.length === 1 && words(body) <= 3 && !/\b(is|are|was|were|means?|counts?)\b/i.test(body);
}

/** Whether the clause that holds the cue match forbids it. */
function isNegated(sentence: string, matchStart: number, matchEnd: number): boolean {
  const cleaned = (s: string) => s.replace(DOUBLE_NEGATION, 'keep');
  // Only the clause before the match counts: "Instead of X, name Y" forbids X, not Y.
  const before = sentence.slice(0, matchStart);
  const clauseStart = Math.max(
    before.lastIndexOf(','),
    before.lastIndexOf(';'),
    before.lastIndexOf(':'),
    before.search(/\bbut\b(?!.*\bbut\b)/i),
  );
  const clause = cleaned(before.slice(clauseStart + 1));
  if (NEGATOR.test(clause)) return true;
  const match = cleaned(sentence.slice(matchStart, matchEnd));
  return NEGATED_COPULA.test(match) || /^\s*(?:never|do not|don't|avoid)\b/i.test(match);
}

function firstMatch(cues: readonly RegExp[], text: string): RegExpExecArray | undefined {
  for (const re of cues) {
    const m = re.exec(text);
    if (m) return m;
  }
  return undefined;
}

/** Normalized sentence, for "the same thing said twice". */
export function sentenceKey(sentence: string): string {
  return sentence
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** How one instruction reads for one concept. */
export function readConcept(skill: Pick<Skill, 'cue' | 'contrary'>, instruction: string): ConceptReading {
  const stating = new Set<string>();
  let keyword = false;
  let against = false;
  for (const sentence of instructionSentences(instruction)) {
    // A sentence that asks for the opposite ("Answer with the intermediate entity.") is against the
    // concept even when it names the concept's words.
    if (skill.contrary && firstMatch(skill.contrary, sentence)) {
      against = true;
      continue;
    }
    const m = firstMatch(skill.cue, sentence);
    if (m) {
      if (isNegated(sentence, m.index, m.index + m[0].length)) against = true;
      else if (isKeywordList(sentence)) keyword = true;
      else stating.add(sentenceKey(sentence));
    }
  }
  const statements = stating.size;
  const state: ConceptState =
    statements > 0
      ? against
        ? 'conflicting'
        : 'stated'
      : against
        ? 'misled'
        : keyword
          ? 'keywords'
          : 'absent';
  return { state, statements };
}

/** Whether the instruction asks for the concept (stated and not contradicted). */
export function states(skill: Pick<Skill, 'cue' | 'contrary'>, instruction: string): boolean {
  return readConcept(skill, instruction).state === 'stated';
}

/**
 * Multiplier of a skill's failure rate for each reading (CONTRACT.md §2.2, "How an instruction is read"):
 * a stated concept is known (never fails); a bare keyword tells the model what matters but not what to
 * do, so it removes a quarter of the failures; a forbidden or contradicted concept misleads a model that
 * follows instructions, so the trap is fallen into twice as often (capped at 0.9); a concept both stated
 * and contradicted leaves the model where it started.
 */
export const READING_FAILURE_FACTOR: Record<ConceptState, number> = {
  stated: 0,
  keywords: 0.75,
  misled: 2,
  conflicting: 1,
  absent: 1,
};
export const MISLED_FAILURE_CAP = 0.9;
