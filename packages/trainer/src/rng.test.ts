import { describe, expect, it } from 'vitest';
import { Rng } from './rng';

describe('Rng', () => {
  it('is reproducible from a seed and from a saved state', () => {
    const a = new Rng(2025);
    const b = new Rng(2025);
    expect([a.next(), a.next()]).toEqual([b.next(), b.next()]);
    const saved = a.state();
    const x = [a.int(100), a.int(100), a.int(100)];
    const resumed = new Rng(JSON.parse(JSON.stringify(saved)));
    expect([resumed.int(100), resumed.int(100), resumed.int(100)]).toEqual(x);
    expect(new Rng(1).next()).not.toBe(new Rng(2).next());
  });

  it('shuffles into a permutation and samples distinct items', () => {
    const r = new Rng(7);
    const items = Array.from({ length: 20 }, (_, i) => i);
    expect([...r.shuffle(items)].sort((p, q) => p - q)).toEqual(items);
    const s = r.sample(items, 5);
    expect(new Set(s).size).toBe(5);
    expect(r.sample(items, 50)).toHaveLength(20);
  });
});
