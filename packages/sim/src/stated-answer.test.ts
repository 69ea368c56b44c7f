import { describe, expect, it } from 'vitest';
import { statedExpectedAnswer } from './stated-answer';

describe('the expected answer stated in feedback', () => {
  it.each([
    ['The output is wrong (expected: NUM). Dates are numeric.', 'NUM'],
    ['The output is wrong (expected: 7).', '7'],
    ['Expected answer: Scott Derrickson', 'Scott Derrickson'],
    ['The answer is wrong; the expected answer is 5.', '5'],
    ['The output does not match the expected answer (LOC).', 'LOC'],
    ['The correct answer is "yes", not "no".', 'yes'],
    ['The right answer would be Paris.', 'Paris'],
    ['The answer should be 12, the quantities were ignored.', '12'],
    ['The label should have been HUM.', 'HUM'],
    ['The final answer should be "Ed Wood".', 'Ed Wood'],
  ])('%s → %s', (text, expected) => {
    expect(statedExpectedAnswer([text])).toBe(expected);
  });

  it.each([
    'The output should be shorter.',
    'The answer should be a single word.',
    'The answer should be in JSON format.',
    'The output should be JSON with an answer key.',
    'The expected format is JSON.',
    'As expected: the model ignored the quantities.',
    'The answer was unexpected: it named a city.',
    'The correct answer is not given in the passages.',
    'There is no noticeable error.',
    'The answer should be more precise about dates.',
  ])('states no answer: %s', (text) => {
    expect(statedExpectedAnswer([text])).toBeUndefined();
  });

  it('takes the answer the entries agree on and none when they disagree', () => {
    expect(statedExpectedAnswer(['(expected: 5)', 'Expected answer: 5', 'Be careful.'])).toBe('5');
    expect(statedExpectedAnswer(['(expected: 5)', 'Expected answer: 6'])).toBeUndefined();
  });
});
