/**
 * Reads the integer answer of an ObjectCount response. The prompt asks for a last line
 * `Answer: N`; models also write "Answer: **7**", "Answer: seven" or just end with a number, so the
 * parser tries, in order: the last `Answer:` marker followed by a number or number word, then the last
 * number (digits or word) anywhere. `undefined` when nothing numeric is present.
 */

const UNITS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

const WORD_VALUES = new Map<string, number>();
for (const [i, w] of UNITS.entries()) WORD_VALUES.set(w, i);
for (const [i, w] of TENS.entries()) {
  if (w === '') continue;
  WORD_VALUES.set(w, i * 10);
  for (let u = 1; u < 10; u++) WORD_VALUES.set(`${w}-${UNITS[u]}`, i * 10 + u);
}

const WORD_ALTERNATION = [...WORD_VALUES.keys()].sort((a, b) => b.length - a.length).join('|');
// A number: digits (with optional thousands commas) or a number word (twenty-one before twenty).
const NUMBER = `(\\d[\\d,]*|\\b(?:${WORD_ALTERNATION})\\b)`;
const ANSWER_RE = new RegExp(`answer\\s*(?:is)?\\s*[:=]?\\s*[*_\`"'$\\\\{(\\[]*\\s*${NUMBER}`, 'gi');
const ANY_NUMBER_RE = new RegExp(NUMBER, 'gi');

function tokenValue(token: string): number | undefined {
  const t = token.toLowerCase();
  if (/^\d/.test(t)) {
    const n = Number(t.replace(/,/g, ''));
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return WORD_VALUES.get(t);
}

export function parseIntegerAnswer(text: string): number | undefined {
  const marked = [...text.matchAll(ANSWER_RE)];
  const lastMarked = marked.at(-1)?.[1];
  if (lastMarked !== undefined) return tokenValue(lastMarked);
  const last = [...text.matchAll(ANY_NUMBER_RE)].at(-1)?.[1];
  return last === undefined ? undefined : tokenValue(last);
}
