import { backward, type Parameter } from '@llm-autodiff/core';
import { ScriptedModel } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import { feedbackEngine, node, nodes, predecessorNames, systemText, userText } from '../../testing/graph';
import type { ObjectCountExample } from '../data/object-count';
import { objectCountPipeline } from './object-count';
import { OBJECT_COUNT_INSTRUCTION } from './prompts';

const ex: ObjectCountExample = {
  id: 'oc-1',
  index: 1,
  question: 'I have a fridge, a chair, and two pianos. How many objects do I have?',
  answer: 4,
};

describe('objectCountPipeline', () => {
  it('eval mode: one call, plain value, Answer line parsed', async () => {
    const model = ScriptedModel.sequence(['fridge 1, chair 2, pianos 4.\nAnswer: 4']);
    const p = objectCountPipeline({ model });
    const pred = await p.predict(ex);
    expect(pred).toEqual({ value: 4, text: 'fridge 1, chair 2, pianos 4.\nAnswer: 4' });
    expect(p.evalScore(ex, pred)).toBe(1);
    expect(systemText(model.calls[0]!.request)).toBe(OBJECT_COUNT_INSTRUCTION);
    expect(userText(model.calls[0]!.request)).toBe(`<QUESTION>\n${ex.question}\n</QUESTION>`);
    expect(p.parameters().map((q) => [q.name, q.trainable])).toEqual([['object_count.system_prompt', true]]);
  });

  it('eval mode: an answer without a number is an error scoring 0', async () => {
    const p = objectCountPipeline({ model: ScriptedModel.sequence(['Several objects.']) });
    const pred = await p.predict(ex);
    expect(pred.value).toBeUndefined();
    expect(pred.error).toMatch(/no integer answer/);
    expect(p.evalScore(ex, pred)).toBe(0);
  });

  it('train mode: loss <- counter(system prompt, question); backward reaches the system prompt', async () => {
    const p = objectCountPipeline({ model: ScriptedModel.sequence(['Answer: 3']) });
    const { loss, score } = await p.forwardLoss(ex);
    expect(score).toBe(0);
    expect(loss.kind).toBe('loss');
    const out = loss.predecessors[0]!;
    expect(out.component?.kind).toBe('generator');
    expect(predecessorNames(out)).toEqual(['object_count.system_prompt', 'object_count.counter.question']);
    expect(nodes(loss).filter((q) => q.trainable && q.kind === 'prompt')).toHaveLength(1);

    const engine = feedbackEngine();
    const report = await backward(loss, { engine });
    expect(report.calls).toBe(2); // loss -> output, output -> system prompt
    const prompt = node(loss, 'object_count.system_prompt') as Parameter<string>;
    expect(prompt.gradients).toHaveLength(1);
    expect(prompt.gradients[0]).toMatchObject({ sampleId: 'oc-1', callIndex: 0, isCopy: false, score: 0 });
    expect(prompt.gradients[0]!.feedback).toBe('Feedback for object_count.system_prompt: be more careful.');
    // The loss told the engine the expected count.
    expect(engine.calls[0]!.request.messages.map((m) => m.content).join('\n')).toContain('4');
  });

  it('a correct sample: the system prompt gets the fixed no-error gradient (selective gradients)', async () => {
    const p = objectCountPipeline({ model: ScriptedModel.sequence(['Answer: 4']) });
    const { loss, score } = await p.forwardLoss(ex);
    expect(score).toBe(1);
    const engine = feedbackEngine();
    await backward(loss, { engine });
    expect(engine.calls).toHaveLength(1); // the loss's own review only
    expect(node(loss, 'object_count.system_prompt').gradients[0]?.isSkipped).toBe(true);
  });

  it('adds a trainable demos slot on request', () => {
    const p = objectCountPipeline({ model: ScriptedModel.sequence([]), demos: true });
    expect(p.parameters().map((q) => q.kind)).toEqual(['prompt', 'demos']);
  });
});
