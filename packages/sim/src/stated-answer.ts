/**
 * The expected answer as a reviewer's text states it. A chain backward request (TextGrad's, or core's for
 * an intermediate call) has no `<GROUND_TRUTH>` section, but the successor's feedback often says what the
 * answer should have been ("The output is wrong (expected: NUM)"); a capable model reads it there. Only
 * phrasings that state an answer count: "should be shorter", "the expected format is JSON" or "as
 * expected:" state none.
 */

/** Words after "should be" that describe an answer's form, not the answer itself. */
const FORM_WORDS = /^(?:JSON|XML|YAML|CSV|HTML|Markdown|one|a|an|the|in|more|less|shorter|longer|concise)\b/i;

/** "(expected: X)", "expected answer: X", "the expected answer is X", "expected answer (X)". */
const EXPECTED = [
  /\(\s*expected(?: answer)?\s*:\s*([^)\n]+?)\s*\)/i,
  /(?<!\bas )\bexpected answer\s*(?::|\bis\b|\bwas\b)\s*([^\n]+)/i,
  /\bexpected answer\s*\(([^)\n]+)\)/i,
  /\bthe (?:correct|right) answer (?:is|was|would be)\s*:?\s*([^\n]+)/i,
];

/** "The answer should be X" / "should have been X": X must look like an answer, not a form. */
const SHOULD_BE =
  /\b(?:answer|output|label|class|count|result|prediction)\s+should\s+(?:have\s+been|be)\s+([^\n]+)/i;

/** The first sentence of `rest`, unquoted; undefined when it is not a short answer. */
function answerPhrase(rest: string): string | undefined {
  const quoted = rest.match(/^\s*["'“‘`]([^"'”’`\n]{1,80})["'”’`]/);
  if (quoted) return quoted[1]?.trim();
  const phrase = (rest.match(/^(.+?)(?=[.;,!]\s|[.;!]?$)/)?.[1] ?? rest).trim();
  if (phrase === '' || phrase.length > 80 || /^(?:not|unclear|unknown|missing|none)\b/i.test(phrase))
    return undefined;
  return phrase;
}

/** Does `phrase` (after "should be") look like an answer: a number, a label, yes/no or a name. */
function looksLikeAnswer(phrase: string): boolean {
  if (FORM_WORDS.test(phrase)) return false;
  return /^-?\d+(?:\.\d+)?$/.test(phrase) || /^(?:yes|no)$/i.test(phrase) || /^[A-Z]/.test(phrase);
}

/** The answer one feedback text states, if any. */
function statedIn(text: string): string | undefined {
  for (const re of EXPECTED) {
    const m = text.match(re);
    const phrase = m ? answerPhrase(m[1] ?? '') : undefined;
    if (phrase) return phrase;
  }
  const m = text.match(SHOULD_BE);
  if (!m) return undefined;
  const quoted = /^\s*["'“‘`]/.test(m[1] ?? '');
  const phrase = answerPhrase(m[1] ?? '');
  return phrase && (quoted || looksLikeAnswer(phrase)) ? phrase : undefined;
}

/**
 * The expected answer stated in feedback texts (e.g. the entries of `<SUCCESSOR_FEEDBACK>`): the one
 * answer they agree on; undefined when none states one or two state different answers.
 */
export function statedExpectedAnswer(texts: readonly string[]): string | undefined {
  const found = new Map<string, string>();
  for (const t of texts) {
    const a = statedIn(t);
    if (a) found.set(a.toLowerCase(), a);
  }
  return found.size === 1 ? [...found.values()][0] : undefined;
}
