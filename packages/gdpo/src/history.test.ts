import { describe, expect, it } from 'vitest';
import { OptimizerMemory } from './history';

describe('OptimizerMemory', () => {
  it('keeps the top-k values by score, one entry per value, best first', () => {
    const m = new OptimizerMemory(2, 5);
    m.addScore('p', 'a', 0.5);
    m.addScore('p', 'b', 0.7);
    m.addScore('p', 'c', 0.6);
    m.addScore('p', 'a', 0.9);
    expect(m.pastValues('p')).toEqual([
      { value: 'a', score: 0.9 },
      { value: 'b', score: 0.7 },
    ]);
  });

  it('remembers the last n failed proposals until cleared, and round-trips through JSON', () => {
    const m = new OptimizerMemory(3, 2);
    for (const v of ['x', 'y', 'z']) m.addFailed('p', { method: 'm', reasoning: 'r', value: v });
    expect(m.failedProposals('p').map((f) => f.value)).toEqual(['y', 'z']);
    m.stepsSinceImprovement = 3;
    const copy = new OptimizerMemory(3, 2);
    copy.restore(JSON.parse(JSON.stringify(m.toJSON())));
    expect(copy.failedProposals('p')).toEqual(m.failedProposals('p'));
    expect(copy.stepsSinceImprovement).toBe(3);
    m.clearFailed();
    expect(m.failedProposals('p')).toEqual([]);
  });

  it('stores nothing with history size 0 (the no-history ablation)', () => {
    const m = new OptimizerMemory(0, 5);
    m.addScore('p', 'a', 1);
    expect(m.pastValues('p')).toEqual([]);
  });
});
