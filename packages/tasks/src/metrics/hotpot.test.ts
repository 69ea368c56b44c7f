import { describe, expect, it } from 'vitest';
import { exactMatch, f1Score, normalizeAnswer, pythonSplit } from './hotpot';

// Expected values computed by hand and checked against the official hotpot_evaluate_v1 rules.
describe('normalizeAnswer', () => {
  it.each([
    ['The Beatles!', 'beatles'],
    ['An apple a day', 'apple day'],
    ['  Paris,\tFrance ', 'paris france'],
    ["Théâtre de l'Odéon", 'théâtre de lodéon'],
    // Unicode letters are word characters: the "a" of "ça" is not an article, the lone "a" is.
    ['ça a été', 'ça été'],
    ['Ångström', 'ångström'],
    ['1,000 people', '1000 people'],
    // Only ASCII punctuation is removed, as in the official script.
    ['“Hello” — world', '“hello” — world'],
    ['the the', ''],
    ['theater', 'theater'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeAnswer(input)).toBe(expected);
  });
});

describe('exactMatch', () => {
  it('ignores case, punctuation, articles and spacing', () => {
    expect(exactMatch('The  Beatles.', 'beatles')).toBe(1);
    expect(exactMatch('Yes', 'yes')).toBe(1);
  });
  it('does not strip accents', () => {
    expect(exactMatch('Theatre', 'Théâtre')).toBe(0);
  });
  it('is 0 for a longer span', () => {
    expect(exactMatch('New York City', 'New York')).toBe(0);
  });
});

describe('f1Score', () => {
  it('gives partial credit for overlapping tokens', () => {
    // pred {new, york, city}, gold {new, york}: P = 2/3, R = 1, F1 = 0.8
    expect(f1Score('New York City', 'New York')).toBeCloseTo(0.8, 10);
    // pred {ed, wood}, gold {edward, davis, wood, jr}: P = 1/2, R = 1/4, F1 = 1/3
    expect(f1Score('Ed Wood', 'Edward Davis Wood Jr.')).toBeCloseTo(1 / 3, 10);
  });
  it('counts repeated tokens at most as often as in the gold answer', () => {
    // pred {paris, paris}, gold {paris}: common 1, P = 1/2, R = 1, F1 = 2/3
    expect(f1Score('Paris Paris', 'Paris')).toBeCloseTo(2 / 3, 10);
  });
  it('is all-or-nothing for yes/no/noanswer', () => {
    expect(f1Score('yes, they were', 'yes')).toBe(0);
    expect(f1Score('no', 'yes')).toBe(0);
    expect(f1Score('Yes.', 'yes')).toBe(1);
    expect(f1Score('noanswer', 'no answer')).toBe(0);
  });
  it('is 0 when normalization leaves nothing', () => {
    expect(f1Score('the', 'a')).toBe(0);
    expect(f1Score('', 'Paris')).toBe(0);
  });
});

describe("normalization splits words like Python's str.split()", () => {
  it.each([
    ['U+001C', '\x1c', 'ed wood'],
    ['U+001D', '\x1d', 'ed wood'],
    ['U+001E', '\x1e', 'ed wood'],
    ['U+001F', '\x1f', 'ed wood'],
    ['U+0085', '\x85', 'ed wood'],
    ['U+3000', '\u3000', 'ed wood'],
    ['U+00A0', '\u00a0', 'ed wood'],
    ['U+FEFF', '\ufeff', 'ed\ufeffwood'],
  ])('%s between two words', (_name, sep, expected) => {
    expect(normalizeAnswer(`Ed${sep}Wood`)).toBe(expected);
  });

  it('scores against those separators as the official script does', () => {
    expect(exactMatch('Ed\x1fWood', 'ed wood')).toBe(1);
    expect(f1Score('the\x85Ed Wood', 'Ed Wood')).toBe(1);
    expect(exactMatch('Ed\ufeffWood', 'ed wood')).toBe(0);
    expect(pythonSplit('\ufeff a\x1cb\x85 ')).toEqual(['\ufeff', 'a', 'b']);
  });
});
