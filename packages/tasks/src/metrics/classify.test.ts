import { describe, expect, it } from 'vitest';
import { accuracy, labelMatch, mean } from './classify';

describe('classifier metrics', () => {
  it('labelMatch scores an unparsed prediction 0', () => {
    expect(labelMatch('DESC', 'DESC')).toBe(1);
    expect(labelMatch(undefined, 'DESC')).toBe(0);
    expect(labelMatch(2, 3)).toBe(0);
  });
  it('accuracy is the fraction correct', () => {
    expect(accuracy(['A', 'B', undefined, 'D'], ['A', 'C', 'C', 'D'])).toBe(0.5);
    expect(() => accuracy(['A'], ['A', 'B'])).toThrow(/1 predictions for 2 labels/);
    expect(mean([])).toBe(0);
  });
});
