import { backward } from '@llm-autodiff/core';
import { describe, expect, it } from 'vitest';
import { feedbackEngine, node, nodesNamed, predecessorNames, userText } from '../../testing/graph';
import { EXAMPLE, ragModel, world } from '../../testing/hotpot-world';
import { hotpotCyclePipeline } from './hotpot-cycle';

describe('hotpotCyclePipeline', () => {
  it('eval mode: one query generator called twice, the second time with the first query', async () => {
    const retriever = world();
    const model = ragModel({ queries: ['Scott Derrickson', 'Ed Wood'], answer: 'yes' });
    const p = hotpotCyclePipeline({ model, retriever });
    expect((await p.predict(EXAMPLE)).value).toBe('yes');
    expect(retriever.calls.map((c) => c.query)).toEqual(['Scott Derrickson', 'Ed Wood']);
    expect(userText(model.calls[1]!.request)).toContain(
      '<PREVIOUS_QUERY>\nScott Derrickson\n</PREVIOUS_QUERY>',
    );
  });

  it('train mode: the shared instruction gets time-sequential gradients (same sample, call 0 then 1)', async () => {
    const p = hotpotCyclePipeline({
      model: ragModel({ queries: ['Scott Derrickson', 'Ed Wood'], answer: 'no' }),
      retriever: world(),
    });
    expect(
      p
        .parameters()
        .filter((q) => q.trainable)
        .map((q) => q.name),
    ).toEqual(['hotpot_cycle.query_instruction', 'hotpot_cycle.answer_instruction']);
    const { loss } = await p.forwardLoss(EXAMPLE);
    const queries = nodesNamed(loss, 'hotpot_cycle.query.output');
    expect(queries.map((q) => q.component?.callIndex)).toEqual([0, 1]);
    expect(new Set(queries.map((q) => q.component?.id)).size).toBe(1);
    // Call 1 reads call 0's query and passages as graph inputs.
    expect(predecessorNames(queries[1]!)).toEqual([
      'hotpot_cycle.query_instruction',
      'hotpot_cycle.query_format',
      'hotpot_cycle.query.question',
      'hotpot_cycle.retriever.output',
      'hotpot_cycle.query.output',
    ]);
    expect(nodesNamed(loss, 'hotpot_cycle.retriever.output')).toHaveLength(2);

    await backward(loss, { engine: feedbackEngine() });
    const grads = node(loss, 'hotpot_cycle.query_instruction').gradients;
    expect(grads.map((g) => [g.sampleId, g.callIndex])).toEqual([
      [EXAMPLE.id, 0],
      [EXAMPLE.id, 1],
    ]);
  });
});
