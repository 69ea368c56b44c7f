import { asciiDigits, findNumbers } from './number-text';

/**
 * Reading the count from an ObjectCount response. The prompt asks for a last line `Answer: N`.
 *
 * `parseIntegerAnswer` (ours): the first number after the last `Answer:` marker — digits in any script,
 * a sign, thousands separators, or number words up to the hundreds ("Answer: The total is 7 (2 + 5)." → 7,
 * "Answer: twenty one" → 21, "Answer: -3" → -3, "Answer: ７" → 7). Without a marker (or a number after
 * it): the last "answer is N" / "answer = N", then the last number anywhere. `undefined` when the text
 * holds no number.
 *
 * `parseIntegerAnswerReference`: the reference's parser (AdalFlow's ObjectCount output processor): the
 * last run of decimal digits anywhere, as an integer; -1 when there is none. Python's `\d` and `int()`
 * accept every script's decimal digits, and so does this port.
 */

// `Answer:` as a line label: optional markdown emphasis or heading around it, any case.
const MARKER_RE = /(?:^|[^\p{L}])answer\s*[*_]*\s*[:：]/giu;
// "the answer is 14", "answer = 7": a weaker marker, used when the label is absent.
const ANSWER_IS_RE = /\banswer\s*(?:is|=|was|would be)\s*[:=]?/giu;

export type ObjectCountParser = 'ours' | 'reference';

export function parseIntegerAnswer(text: string): number | undefined {
  const labelled = lastMarkerEnd(text, MARKER_RE);
  if (labelled !== undefined) {
    const first = findNumbers(text.slice(labelled))[0];
    if (first) return first.value;
  }
  const stated = lastMarkerEnd(text, ANSWER_IS_RE);
  if (stated !== undefined) {
    const first = findNumbers(text.slice(stated))[0];
    if (first) return first.value;
  }
  return findNumbers(text).at(-1)?.value;
}

export function parseIntegerAnswerReference(text: string): number {
  const runs = asciiDigits(text).match(/\d+/g);
  return runs ? Number.parseInt(runs.at(-1)!, 10) : -1;
}

/** The parser a pipeline option names. */
export function objectCountParser(which: ObjectCountParser): (text: string) => number | undefined {
  return which === 'reference' ? parseIntegerAnswerReference : parseIntegerAnswer;
}

function lastMarkerEnd(text: string, re: RegExp): number | undefined {
  let end: number | undefined;
  for (const m of text.matchAll(re)) end = m.index + m[0].length;
  return end;
}
