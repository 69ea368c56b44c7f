import { describe, expect, it } from 'vitest';
import { loss, Parameter, runSample } from './index';

describe('loss', () => {
  it('writes the score on every node of a 100,000-node chain without exhausting the call stack', async () => {
    const first = await runSample('s', 'train', async () => {
      let last = new Parameter<string>({
        name: 'n0',
        description: 'node',
        kind: 'output',
        value: 'x',
        trainable: false,
        sampleId: 's',
      });
      const head = last;
      for (let i = 1; i < 100_000; i++) {
        const next = new Parameter<string>({
          name: `n${i}`,
          description: 'node',
          kind: 'output',
          value: 'x',
          trainable: false,
          sampleId: 's',
        });
        next.predecessors = [last];
        last = next;
      }
      loss(last, 'x', (p: string, g: string) => (p === g ? 1 : 0));
      return head;
    });
    expect(first.score).toBe(1);
  });
});
