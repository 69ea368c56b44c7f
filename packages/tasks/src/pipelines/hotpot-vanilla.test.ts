import { backward } from '@llm-autodiff/core';
import { describe, expect, it } from 'vitest';
import { feedbackEngine, node, predecessorNames, userText } from '../../testing/graph';
import { EXAMPLE, ragModel, world } from '../../testing/hotpot-world';
import { hotpotVanillaPipeline } from './hotpot-vanilla';

describe('hotpotVanillaPipeline', () => {
  it('eval mode: retrieves the top 3 with the question and answers from the context', async () => {
    const retriever = world();
    const model = ragModel({ queries: [], answer: 'yes' });
    const p = hotpotVanillaPipeline({ model, retriever });
    const pred = await p.predict(EXAMPLE);
    expect(pred.value).toBe('yes');
    expect(p.evalScore(EXAMPLE, pred)).toBe(1);
    expect(retriever.calls).toEqual([{ query: EXAMPLE.question, k: 3 }]);
    const user = userText(model.calls[0]!.request);
    expect(user).toContain('<CONTEXT>\nScott Derrickson | Scott Derrickson is an American director');
    expect(user).toContain('\n\nEd Wood | Edward Davis Wood Jr.');
    expect(user).toContain(`<QUESTION>\n${EXAMPLE.question}\n</QUESTION>`);
  });

  it('train mode: the retriever output is a non-trainable input of the answer; only the instruction learns', async () => {
    const p = hotpotVanillaPipeline({
      model: ragModel({ queries: [], answer: 'American' }),
      retriever: world(),
    });
    const { loss, score } = await p.forwardLoss(EXAMPLE);
    expect(score).toBe(0); // F1 of "American" vs "yes": yes/no answers are all-or-nothing
    const answer = loss.predecessors[0]!;
    expect(answer.component?.kind).toBe('generator');
    expect(predecessorNames(answer)).toEqual([
      'hotpot_vanilla.answer_instruction',
      'hotpot_vanilla.answer_format',
      'hotpot_vanilla.answer.question',
      'hotpot_vanilla.retriever.output',
    ]);
    const docs = node(loss, 'hotpot_vanilla.retriever.output');
    expect(docs.component?.kind).toBe('retriever');
    expect(docs.trainable).toBe(false);
    expect(docs.display()).toContain('Scott Derrickson | Scott Derrickson is');

    const report = await backward(loss, { engine: feedbackEngine() });
    expect(report.calls).toBe(2);
    expect(node(loss, 'hotpot_vanilla.answer_instruction').gradients).toHaveLength(1);
    expect(docs.gradients).toHaveLength(0);
  });

  it('the loss metric is F1 and the eval metric is exact match', async () => {
    const p = hotpotVanillaPipeline({
      model: ragModel({ queries: [], answer: 'Edward Wood' }),
      retriever: world(),
    });
    const ex = { ...EXAMPLE, answer: 'Edward Davis Wood' };
    const { score } = await p.forwardLoss(ex);
    expect(score).toBeCloseTo(0.8, 10); // P = 2/2, R = 2/3
    expect(p.evalScore(ex, await p.predict(ex))).toBe(0);
  });
});
