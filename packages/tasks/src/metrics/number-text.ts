/**
 * Numbers as models write them: digits in any script (full-width, Arabic-Indic...), signs (ASCII or the
 * Unicode minus), thousands separators, and English number words up to the hundreds ("one hundred and
 * twenty-one"). `findNumbers` lists them in text order with their values.
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
const TENS = ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const WORD = new Map<string, number>([
  ...UNITS.map((w, i): [string, number] => [w, i]),
  ...TENS.map((w, i): [string, number] => [w, (i + 2) * 10]),
]);

export interface FoundNumber {
  value: number;
  /** Offset of the match in the text it was found in. */
  index: number;
  text: string;
}

/**
 * ASCII digits for every Unicode decimal digit (Python's `int()` and `\d` accept them all). Decimal digit
 * runs come in aligned blocks of ten, so a digit's value is its offset from the start of its run, mod 10.
 */
let digitValues: Map<number, number> | undefined;
function digitValue(cp: number): number {
  if (cp >= 0x30 && cp <= 0x39) return cp - 0x30;
  if (!digitValues) {
    digitValues = new Map();
    const isDigit = /^\p{Nd}$/u;
    let runStart = -1;
    for (let c = 0x80; c <= 0x1ffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      if (isDigit.test(String.fromCodePoint(c))) {
        if (runStart < 0) runStart = c;
        digitValues.set(c, (c - runStart) % 10);
      } else runStart = -1;
    }
  }
  return digitValues.get(cp) ?? 0;
}

/** The text with every decimal digit written as an ASCII digit (same length in code points). */
export function asciiDigits(text: string): string {
  return text.replace(/[^\P{Nd}0-9]/gu, (d) => String(digitValue(d.codePointAt(0)!)));
}

const SIGN = '[+\\-\\u2212\\uFF0B\\uFF0D]';
const WORD_ALT = [...WORD.keys(), 'hundred', 'a', 'and'].sort((a, b) => b.length - a.length).join('|');
// A signed number with thousands separators, a plain (possibly decimal) number, or a run of number words.
const NUMBER_RE = new RegExp(
  [
    `(?<![\\p{L}\\p{N}])(${SIGN})?(\\p{Nd}{1,3}(?:[,\\u066C\\uFF0C]\\p{Nd}{3})+(?!\\p{Nd})|\\p{Nd}+(?:\\.\\p{Nd}+)?)`,
    `\\b((?:(?:minus|negative)\\s+)?(?:${WORD_ALT})(?:[\\s-]+(?:${WORD_ALT}))*)\\b`,
  ].join('|'),
  'giu',
);

function digitsValue(sign: string | undefined, digits: string): number {
  const n = Number(asciiDigits(digits).replace(/[,\u066C\uFF0C]/g, ''));
  return sign && sign !== '+' && sign !== '\uFF0B' ? -n : n;
}

/**
 * The numbers a run of words spells, left to right: "twenty one" → [21], "one hundred and five" → [105],
 * "one two" → [1, 2]. Filler words ("a", "and") count only inside a number ("a hundred", "hundred and one").
 */
export function wordNumbers(run: string): Array<{ value: number; offset: number; text: string }> {
  const tokens = [...run.matchAll(/[a-z]+/gi)].map((m) => ({ w: m[0].toLowerCase(), at: m.index }));
  const out: Array<{ value: number; offset: number; text: string }> = [];
  let i = 0;
  let negative = false;
  while (i < tokens.length) {
    const start = i;
    const w = tokens[i]!.w;
    if (w === 'minus' || w === 'negative') {
      negative = true;
      i++;
      continue;
    }
    const below100 = (): number | undefined => {
      const t = tokens[i]?.w;
      if (t === undefined || !WORD.has(t)) return undefined;
      const v = WORD.get(t)!;
      i++;
      if (v >= 20 && v % 10 === 0) {
        const u = tokens[i]?.w;
        const uv = u === undefined ? undefined : WORD.get(u);
        if (uv !== undefined && uv >= 1 && uv <= 9) {
          i++;
          return v + uv;
        }
      }
      return v;
    };
    let value: number | undefined;
    if ((w === 'a' || (WORD.get(w) ?? 0) >= 1) && tokens[i + 1]?.w === 'hundred' && (WORD.get(w) ?? 1) <= 9) {
      value = (WORD.get(w) ?? 1) * 100;
      i += 2;
      const save = i;
      if (tokens[i]?.w === 'and') i++;
      const rest = below100();
      if (rest === undefined || rest === 0) i = save;
      else value += rest;
    } else {
      value = below100();
    }
    if (value === undefined) {
      negative = false;
      i = start + 1; // a filler word outside a number
      continue;
    }
    const from = tokens[negative && start > 0 ? start - 1 : start]!.at;
    const last = tokens[i - 1]!;
    out.push({
      value: negative ? -value : value,
      offset: from,
      text: run.slice(from, last.at + last.w.length),
    });
    negative = false;
  }
  return out;
}

/** Every number in the text, in order. */
export function findNumbers(text: string): FoundNumber[] {
  const found: FoundNumber[] = [];
  for (const m of text.matchAll(NUMBER_RE)) {
    if (m[2] !== undefined) found.push({ value: digitsValue(m[1], m[2]), index: m.index, text: m[0] });
    else if (m[3] !== undefined)
      for (const n of wordNumbers(m[3]))
        found.push({ value: n.value, index: m.index + n.offset, text: n.text });
  }
  return found;
}
