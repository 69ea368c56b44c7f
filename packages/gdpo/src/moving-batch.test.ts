import { Rng } from '@llm-autodiff/trainer';
import { describe, expect, it } from 'vitest';
import { MovingBatch, selectSubset } from './moving-batch';

const item = (id: string, score: number) => ({ id, score });

describe('moving batch', () => {
  it('caps at the limit keeping every error when there are fewer than the minimum', () => {
    const m = new MovingBatch(5, 4, 0.5);
    m.add([
      item('e1', 0),
      item('c1', 1),
      item('c2', 1),
      item('e2', 0),
      item('c3', 1),
      item('c4', 1),
      item('e3', 0),
    ]);
    m.downsample(new Rng(1));
    expect(m.items).toHaveLength(5);
    expect(m.items.filter((i) => i.score === 0).map((i) => i.id)).toEqual(['e1', 'e2', 'e3']);
  });

  it('keeps at least the minimum of errors when correct samples could fill the cap', () => {
    const m = new MovingBatch(6, 4, 0.5);
    const errors = Array.from({ length: 8 }, (_, i) => item(`e${i}`, 0));
    const correct = Array.from({ length: 8 }, (_, i) => item(`c${i}`, 1));
    m.add([...correct, ...errors]);
    m.downsample(new Rng(3));
    // The first 4 errors always stay (the reference's retained errors); 2 more come from the rest.
    expect(m.items.map((i) => i.id)).toEqual(expect.arrayContaining(['e0', 'e1', 'e2', 'e3']));
    expect(m.items).toHaveLength(6);
  });

  it('samples the rest of the cap uniformly from the other errors and the correct samples (E 10, C 15)', () => {
    // The reference keeps 4 errors, then 16 of the other 21 uniformly: 4 + 16 * 6 / 21 = 8.571 errors
    // expected. Keeping errors first would give 10; keeping the minimum and filling with correct, 5.
    const runs = 2000;
    let errorsKept = 0;
    for (let seed = 0; seed < runs; seed++) {
      const m = new MovingBatch(20, 4, 0.5);
      m.add([
        ...Array.from({ length: 15 }, (_, i) => item(`c${i}`, 1)),
        ...Array.from({ length: 10 }, (_, i) => item(`e${i}`, 0)),
      ]);
      m.downsample(new Rng(seed));
      expect(m.items).toHaveLength(20);
      errorsKept += m.items.filter((i) => i.score === 0).length;
    }
    expect(errorsKept / runs).toBeCloseTo(4 + (16 * 6) / 21, 1);
  });

  it('replaces a re-added sample and resets', () => {
    const m = new MovingBatch(20, 4, 0.5);
    m.add([item('a', 0)]);
    m.add([item('a', 1)]);
    expect(m.items).toEqual([item('a', 1)]);
    m.reset();
    expect(m.items).toEqual([]);
  });

  it('selects at most 2 errors and 2 correct samples', () => {
    const items = [
      item('e1', 0),
      item('e2', 0.2),
      item('e3', 0),
      item('c1', 1),
      item('c2', 1),
      item('c3', 0.8),
    ];
    const s = selectSubset(items, new Rng(5), { correctThreshold: 0.5, maxErrors: 2, maxCorrect: 2 });
    expect(s.filter((i) => i.score <= 0.5)).toHaveLength(2);
    expect(s.filter((i) => i.score > 0.5)).toHaveLength(2);
    const allCorrect = selectSubset([item('c1', 1), item('c2', 1), item('c3', 1)], new Rng(5), {
      correctThreshold: 0.5,
      maxErrors: 2,
      maxCorrect: 2,
    });
    expect(allCorrect).toHaveLength(2);
  });
});
