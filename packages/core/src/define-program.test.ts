import { ScriptedModel } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import { defineProgram } from './define-program';
import { AutodiffError } from './errors';
import { fn } from './functional';
import { generator } from './generator';
import { param } from './parameter';

interface Item {
  id: string;
  list: string;
  count: number;
}

function countProgram(model = ScriptedModel.fn(() => 'a, b, c')) {
  const instruction = param('List the items, comma-separated.', {
    name: 'extract.instruction',
    description: 'extraction instruction',
  });
  const extract = generator({
    name: 'extract',
    model,
    system: [instruction],
    user: (x: { list: string }) => x.list,
  });
  const count = fn('count', (text: string) => text.split(',').filter((s) => s.trim()).length);
  return defineProgram({
    name: 'count-items',
    parameters: [instruction],
    sampleId: (e: Item) => e.id,
    forward: async (e: Item) => count(await extract({ list: e.list })),
    evalMetric: (e: Item, answer: number) => (answer === e.count ? 1 : 0),
    groundTruth: (e: Item) => e.count,
  });
}

describe('defineProgram', () => {
  it('predicts in eval mode and builds a loss node in train mode, with defaults for answer, text and loss', async () => {
    const program = countProgram();
    const item = { id: 'i1', list: 'a b c', count: 3 };
    const prediction = await program.predict(item);
    expect(prediction).toEqual({ value: 3, text: '3' });
    expect(program.evalScore(item, prediction)).toBe(1);
    const { loss, score } = await program.forwardLoss({ ...item, count: 2 });
    expect(score).toBe(0);
    expect(loss.predecessors[0]?.component?.name).toBe('count');
  });

  it('refuses a spec without its required functions and an example without a sample id', async () => {
    expect(() => defineProgram({ name: 'x' } as never)).toThrow(AutodiffError);
    await expect(countProgram().predict({ id: '', list: '', count: 0 })).rejects.toThrow(/no sample id/);
  });
});
