import { describe, expect, it } from 'vitest';
import { systemText } from '../../testing/graph';
import { EXAMPLE, ragModel, world } from '../../testing/hotpot-world';
import { createPipeline, type PipelineName } from '../registry';

/** Every generator of each HotPotQA pipeline, by its demos slot's name (DSPy gives every predictor demos). */
const SLOTS: Record<Exclude<PipelineName, 'object-count' | 'trec'>, string[]> = {
  'hotpot-vanilla': ['hotpot_vanilla.answer.demos'],
  'hotpot-multihop': [
    'hotpot_multihop.query_0.demos',
    'hotpot_multihop.query_1.demos',
    'hotpot_multihop.answer.demos',
  ],
  'hotpot-cycle': ['hotpot_cycle.query.demos', 'hotpot_cycle.answer.demos'],
  'hotpot-agent': ['hotpot_agent.planner.demos'],
};

describe('HotPotQA demos slots', () => {
  for (const [name, slots] of Object.entries(SLOTS)) {
    it(`${name}: one trainable demos slot per generator with demos, none without`, () => {
      const model = ragModel({ queries: [], answer: 'yes' });
      const withSlots = createPipeline(name, { model, retriever: world(), demos: true });
      const demos = withSlots.parameters().filter((p) => p.kind === 'demos');
      expect(demos.map((p) => p.name)).toEqual(slots);
      expect(demos.every((p) => p.trainable)).toBe(true);
      const plain = createPipeline(name, { model, retriever: world() });
      expect(plain.parameters().filter((p) => p.kind === 'demos')).toEqual([]);
    });
  }

  it('a filled slot is rendered in its own generator only', async () => {
    const model = ragModel({ queries: ['Scott Derrickson', 'Ed Wood'], answer: 'yes' });
    const p = createPipeline('hotpot-multihop', { model, retriever: world(), demos: true });
    const slot = p.parameters().find((x) => x.name === 'hotpot_multihop.answer.demos');
    slot!.value = [{ input: 'Q: which came first?', output: '{"answer": "the egg"}' }];
    await p.predict(EXAMPLE);
    const systems = model.calls.map((c) => systemText(c.request));
    expect(systems).toHaveLength(3);
    expect(systems[0]).not.toContain('the egg');
    expect(systems[1]).not.toContain('the egg');
    expect(systems[2]).toContain('Q: which came first?');
    expect(systems[2]).toContain('the egg');
  });
});
