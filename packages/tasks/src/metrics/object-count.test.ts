import { describe, expect, it } from 'vitest';
import { parseIntegerAnswer } from './object-count';

describe('parseIntegerAnswer', () => {
  it.each([
    ['Let me count: 1, 2, 3.\nAnswer: 8', 8],
    ['Answer: 3\nWait, I missed two.\nAnswer: 5', 5],
    ['Answer: **12**', 12],
    ['The answer is 14.', 14],
    ['answer = 7', 7],
    ['Answer: $10$', 10],
    ['Answer: seven', 7],
    ['Answer: twenty-one', 21],
    ['I count 4 fruits and then 2 more, so 6 in total.', 6],
    ['There are eleven animals.', 11],
    ['Answer: 1,024', 1024],
    // The marker wins over a later stray number.
    ['Answer: 9 (counted from the 3 lists above)', 9],
  ])('%j -> %d', (text, expected) => {
    expect(parseIntegerAnswer(text)).toBe(expected);
  });

  it('does not read number words inside other words', () => {
    expect(parseIntegerAnswer('Someone took the stone.')).toBeUndefined();
  });

  it('is undefined without any number', () => {
    expect(parseIntegerAnswer('I cannot tell.')).toBeUndefined();
    expect(parseIntegerAnswer('')).toBeUndefined();
  });
});
