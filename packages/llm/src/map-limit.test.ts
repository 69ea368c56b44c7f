import { describe, expect, it } from 'vitest';
import { mapLimit } from './map-limit';

describe('mapLimit', () => {
  it('keeps input order and never exceeds the limit', async () => {
    let active = 0;
    let peak = 0;
    const out = await mapLimit([30, 10, 20, 5, 1], 2, async (ms, i) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, ms));
      active--;
      return i;
    });
    expect(out).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it('rethrows the first error', async () => {
    await expect(
      mapLimit([1, 2, 3], 2, async (x) => {
        if (x === 2) throw new Error('boom');
        return x;
      }),
    ).rejects.toThrow('boom');
  });

  it('stops starting items once shouldStop says so, and reports them as undefined', async () => {
    let started = 0;
    const out = await mapLimit(
      [1, 2, 3, 4, 5, 6],
      2,
      async (x) => {
        started++;
        return x;
      },
      () => started >= 3,
    );
    expect(started).toBe(3);
    expect(out.slice(0, 3)).toEqual([1, 2, 3]);
    expect(out.slice(3)).toEqual([undefined, undefined, undefined]);
  });

  it('starts no item after the first error', async () => {
    const seen: number[] = [];
    await expect(
      mapLimit([1, 2, 3, 4], 1, async (x) => {
        seen.push(x);
        if (x === 2) throw new Error('boom');
        return x;
      }),
    ).rejects.toThrow('boom');
    expect(seen).toEqual([1, 2]);
  });

  it('rejects a limit below 1', async () => {
    await expect(mapLimit([1], 0, async (x) => x)).rejects.toThrow(/integer >= 1/);
  });
});
