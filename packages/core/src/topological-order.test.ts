import { describe, expect, it } from 'vitest';
import { GraphCycleError } from './errors';
import { levelsFromRoot, Parameter, topologicalOrder } from './index';

const node = (name: string, predecessors: Parameter[] = []): Parameter => {
  const p = new Parameter<string>({
    name,
    description: 'test node',
    kind: 'output',
    value: name,
    trainable: true,
  });
  p.predecessors = predecessors;
  return p;
};

describe('topologicalOrder', () => {
  it('puts every node after its predecessors, each once (diamond)', () => {
    const a = node('a');
    const b = node('b', [a]);
    const c = node('c', [a]);
    const d = node('d', [b, c]);
    const order = topologicalOrder(d).map((p) => p.name);
    expect(order).toEqual(['a', 'b', 'c', 'd']);
  });

  it('walks a chain of 100,000 nodes without exhausting the call stack', () => {
    let last = node('n0');
    for (let i = 1; i < 100_000; i++) last = node(`n${i}`, [last]);
    const order = topologicalOrder(last);
    expect(order).toHaveLength(100_000);
    expect(order[0]?.name).toBe('n0');
    expect(levelsFromRoot(last)).toHaveLength(100_000);
  });

  it('names a cycle', () => {
    const a = node('a');
    const b = node('b', [a]);
    a.predecessors = [b];
    const root = node('root', [b]);
    expect(() => topologicalOrder(root)).toThrow(GraphCycleError);
    expect(() => topologicalOrder(root)).toThrow(/cycle: .*b.* -> .*a.* -> .*b/);
  });
});
