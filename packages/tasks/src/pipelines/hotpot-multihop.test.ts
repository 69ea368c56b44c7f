import { backward } from '@llm-autodiff/core';
import { describe, expect, it } from 'vitest';
import { feedbackEngine, node, predecessorNames, userText } from '../../testing/graph';
import { EXAMPLE, ragModel, world } from '../../testing/hotpot-world';
import { combinePassages } from './hotpot-common';
import { hotpotMultihopPipeline } from './hotpot-multihop';

describe('combinePassages', () => {
  it('keeps the first occurrence, in order', () => {
    const p = (id: string) => ({ id, title: id, text: '', score: 0 });
    expect(combinePassages([p('a'), p('b')], [p('b'), p('c'), p('a')]).map((x) => x.id)).toEqual([
      'a',
      'b',
      'c',
    ]);
  });
});

describe('hotpotMultihopPipeline', () => {
  it('eval mode: two query generators, two retrievals of 2, deduplicated context', async () => {
    const retriever = world();
    const model = ragModel({ queries: ['Scott Derrickson', 'Scott Derrickson Wood'], answer: 'yes' });
    const p = hotpotMultihopPipeline({ model, retriever });
    const pred = await p.predict(EXAMPLE);
    expect(pred.value).toBe('yes');
    expect(retriever.calls).toEqual([
      { query: 'Scott Derrickson', k: 2 },
      { query: 'Scott Derrickson Wood', k: 2 },
    ]);
    const [first, second, answer] = model.calls.map((c) => userText(c.request));
    expect(first).not.toContain('<CONTEXT>');
    expect(second).toContain('<PREVIOUS_QUERY>\nScott Derrickson\n</PREVIOUS_QUERY>');
    expect(second).toContain('<CONTEXT>\nScott Derrickson | ');
    // Hop 2 found Scott Derrickson again: it appears once in the answer's context.
    expect(answer!.match(/Scott Derrickson \|/g)).toHaveLength(1);
    expect(answer).toContain('Ed Wood | ');
  });

  it('falls back to the question when a query cannot be read', async () => {
    const retriever = world();
    const p = hotpotMultihopPipeline({
      model: ragModel({ queries: ['', 'Ed Wood'], answer: 'yes' }),
      retriever,
    });
    await p.predict(EXAMPLE);
    expect(retriever.calls[0]!.query).toBe(EXAMPLE.question);
  });

  it('train mode: 3 trainable prompts, pass-through retrievers, blame split at the combine node', async () => {
    const p = hotpotMultihopPipeline({
      model: ragModel({ queries: ['Scott Derrickson', 'Ed Wood'], answer: 'no' }),
      retriever: world(),
    });
    expect(
      p
        .parameters()
        .filter((q) => q.trainable)
        .map((q) => q.name),
    ).toEqual([
      'hotpot_multihop.query_0_instruction',
      'hotpot_multihop.query_1_instruction',
      'hotpot_multihop.answer_instruction',
    ]);
    const { loss, score } = await p.forwardLoss(EXAMPLE);
    expect(score).toBe(0);
    const combine = node(loss, 'hotpot_multihop.combine.output');
    expect(combine.component?.kind).toBe('function');
    expect(predecessorNames(combine)).toEqual([
      'hotpot_multihop.retriever_0.output',
      'hotpot_multihop.retriever_1.output',
    ]);
    const docs0 = node(loss, 'hotpot_multihop.retriever_0.output');
    const docs1 = node(loss, 'hotpot_multihop.retriever_1.output');
    expect([docs0.trainable, docs1.trainable]).toEqual([true, true]);
    expect(predecessorNames(docs1)).toEqual([
      'hotpot_multihop.query_1.output',
      'hotpot_multihop.retriever_1.k',
    ]);
    // The second generator reads the first hop's passages as a graph input.
    expect(predecessorNames(node(loss, 'hotpot_multihop.query_1.output'))).toContain(
      'hotpot_multihop.retriever_0.output',
    );

    const report = await backward(loss, { engine: feedbackEngine() });
    // loss 1 + answer (instruction, combined passages) 2 + combine split 2 + query_1 (instruction, hop-1 passages) 2 + query_0 1
    expect(report.calls).toBe(8);
    expect(report.copies).toBe(3); // retriever_1 -> query_1 once, retriever_0 -> query_0 twice
    const q0 = node(loss, 'hotpot_multihop.query_0.output');
    expect(q0.gradients).toHaveLength(2);
    expect(q0.gradients.every((g) => g.isCopy)).toBe(true);
    for (const name of [
      'hotpot_multihop.query_0_instruction',
      'hotpot_multihop.query_1_instruction',
      'hotpot_multihop.answer_instruction',
    ]) {
      expect(node(loss, name).gradients.length, name).toBeGreaterThan(0);
    }
  });
});
