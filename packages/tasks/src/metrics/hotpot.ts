/**
 * HotpotQA's official answer metrics (the `hotpot_evaluate_v1` rules): normalize by lowercasing,
 * removing punctuation, removing the articles a/an/the and collapsing whitespace; exact match on the
 * normalized strings; token F1 on whitespace tokens (Python's whitespace set), except that yes/no/noanswer must match exactly.
 */

// Python's `string.punctuation` (ASCII only), which is what the official script removes.
const ASCII_PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/**
 * Python's `str.split()` separators (`str.isspace()`): JavaScript's `\s` without U+FEFF, plus the
 * information separators U+001C–U+001F and NEXT LINE U+0085.
 */
export const PYTHON_WHITESPACE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Python counts U+001C-U+001F as whitespace
  /[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** `text.split()` as Python does it: runs of Python whitespace separate words; no empty words. */
export function pythonSplit(text: string): string[] {
  return text.split(PYTHON_WHITESPACE).filter(Boolean);
}

export function normalizeAnswer(s: string): string {
  const lower = s.toLowerCase();
  const noPunct = lower.replace(ASCII_PUNCTUATION, '');
  // Python's `\b` is Unicode-aware: "ça" keeps its "a", so word boundaries are Unicode letters here too.
  const noArticles = noPunct.replace(/(?<![\p{L}\p{N}_])(a|an|the)(?![\p{L}\p{N}_])/gu, ' ');
  return pythonSplit(noArticles).join(' ');
}

export function exactMatch(prediction: string, groundTruth: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(groundTruth) ? 1 : 0;
}

const SPECIAL = new Set(['yes', 'no', 'noanswer']);

export function f1Score(prediction: string, groundTruth: string): number {
  const p = normalizeAnswer(prediction);
  const g = normalizeAnswer(groundTruth);
  // A yes/no answer is all-or-nothing: "no" must not get partial credit from "yes no" etc.
  if ((SPECIAL.has(p) || SPECIAL.has(g)) && p !== g) return 0;
  const pt = p.split(' ').filter(Boolean);
  const gt = g.split(' ').filter(Boolean);
  const counts = new Map<string, number>();
  for (const t of gt) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of pt) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      common++;
      counts.set(t, c - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / pt.length;
  const recall = common / gt.length;
  return (2 * precision * recall) / (precision + recall);
}
