import { describe, expect, it } from 'vitest';
import { batchIndices } from './batches';

describe('batchIndices', () => {
  it('walks epochs of seeded shuffles', () => {
    const epoch0 = [0, 1, 2].flatMap((s) => batchIndices(10, 4, s, 2025));
    expect([...epoch0].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(batchIndices(10, 4, 3, 2025)).toHaveLength(4);
    expect(batchIndices(10, 4, 1, 2025)).toEqual(batchIndices(10, 4, 1, 2025));
    expect(batchIndices(10, 4, 3, 2025)).not.toEqual(batchIndices(10, 4, 3, 2026));
  });

  it('draws nothing for a batch size of 0 and refuses an empty training set', () => {
    expect(batchIndices(10, 0, 0, 1)).toEqual([]);
    expect(() => batchIndices(0, 4, 0, 1)).toThrow(/training set is empty/);
  });
});
