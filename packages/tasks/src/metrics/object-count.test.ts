import { describe, expect, it } from 'vitest';
import { findNumbers, wordNumbers } from './number-text';
import { objectCountParser, parseIntegerAnswer, parseIntegerAnswerReference } from './object-count';

const NONE = undefined;

// [model output, ours, the reference's parser]
const TABLE: Array<[string, number | undefined, number]> = [
  // The cases.
  ['Answer: The total is 7 (2 + 5).', 7, 5],
  ['Answer: twenty one', 21, -1],
  ['Answer: -3', -3, 3],
  ['Answer: 1,2', 1, 2],
  ['Answer: ７', 7, 7],
  // Plain and formatted answers.
  ['Let me count: 1, 2, 3.\nAnswer: 8', 8, 8],
  ['Answer: 3\nWait, I missed two.\nAnswer: 5', 5, 5],
  ['Answer: **12**', 12, 12],
  ['**Answer:** 12', 12, 12],
  ['**Answer**: 6', 6, 6],
  ['### Answer: 9', 9, 9],
  ['answer: 4', 4, 4],
  ['ANSWER: 10', 10, 10],
  ['Answer: $10$', 10, 10],
  ['Answer: \\boxed{13}', 13, 13],
  ['Answer:\n15', 15, 15],
  ['Answer: 7.', 7, 7],
  ['Answer: 7 objects.', 7, 7],
  ['Answer: 9 (counted from the 3 lists above)', 9, 3],
  ['Answer: I have 11 vegetables in total; 2 of them are onions.', 11, 2],
  ['Answer： 6', 6, 6],
  // Words, signs, separators, other scripts.
  ['Answer: seven', 7, -1],
  ['Answer: Seven.', 7, -1],
  ['Answer: twenty-one', 21, -1],
  ['Answer: one hundred and five', 105, -1],
  ['Answer: a hundred', 100, -1],
  ['Answer: two hundred twenty-two', 222, -1],
  ['Answer: zero', 0, -1],
  ['Answer: minus two', -2, -1],
  ['Answer: \u22124', -4, 4],
  ['Answer: +4', 4, 4],
  ['Answer: 1,024', 1024, 24],
  ['Answer: 12,345,678', 12345678, 678],
  ['Answer: １２', 12, 12],
  ['Answer: \u0663', 3, 3],
  ['Answer: 7.0', 7, 0],
  // No label: fallbacks.
  ['The answer is 14.', 14, 14],
  ['The answer is 14, since 6 + 8 = 14 and I double-checked 3 times.', 14, 3],
  ['answer = 7', 7, 7],
  ['I count 4 fruits and then 2 more, so 6 in total.', 6, 6],
  ['There are eleven animals.', 11, -1],
  ['So the final count is 5', 5, 5],
  ['Total: 3 + 4 = 7', 7, 7],
  // A label with no number after it falls back to the rest of the text.
  ['I counted 8 items.\nAnswer: see above', 8, 8],
  ['Answer: $VALUE where VALUE is 5', 5, 5],
  // Nothing numeric.
  ['Someone took the stone.', NONE, -1],
  ['I cannot tell.', NONE, -1],
  ['', NONE, -1],
  ['Answer: unknown', NONE, -1],
];

describe('ObjectCount parsers', () => {
  it(`has a table of at least 40 outputs (${TABLE.length})`, () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(40);
  });

  it.each(TABLE)('%j -> ours %s, reference %s', (text, ours, reference) => {
    expect(parseIntegerAnswer(text)).toBe(ours);
    expect(parseIntegerAnswerReference(text)).toBe(reference);
  });

  it('objectCountParser selects by name', () => {
    expect(objectCountParser('ours')('Answer: 7 (2 + 5)')).toBe(7);
    expect(objectCountParser('reference')('Answer: 7 (2 + 5)')).toBe(5);
  });
});

describe('number words', () => {
  it('splits a run of words into the numbers it spells', () => {
    expect(wordNumbers('one two').map((n) => n.value)).toEqual([1, 2]);
    expect(wordNumbers('twenty one and a hundred').map((n) => n.value)).toEqual([21, 100]);
    expect(wordNumbers('ninety-nine hundred').map((n) => n.value)).toEqual([99]);
  });

  it('finds digits in other scripts with their values, and no numbers inside words', () => {
    expect(findNumbers('\uff19 and \u0969 and \u{1D7D7}').map((n) => n.value)).toEqual([9, 3, 9]);
    expect(findNumbers('someone alone, often').map((n) => n.value)).toEqual([]);
  });
});
