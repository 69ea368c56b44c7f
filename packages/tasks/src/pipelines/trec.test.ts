import { backward } from '@llm-autodiff/core';
import { ScriptedModel } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import { feedbackEngine, node, predecessorNames, systemText } from '../../testing/graph';
import type { TrecExample } from '../data/trec';
import { TREC_FORMAT, TREC_INSTRUCTION } from './prompts';
import { readTrecAnswer, readTrecClass, trecPipeline } from './trec';

const ex: TrecExample = {
  id: 'test-0132',
  index: 132,
  question: 'What does target heart rate mean ?',
  label: 2,
  labelName: 'DESC',
};

describe('readTrecAnswer', () => {
  it('reads class_name from JSON, fenced or not', () => {
    expect(readTrecAnswer('{"rationale": "asks for a definition", "class_name": "DESC"}')).toBe('DESC');
    expect(readTrecAnswer('Sure:\n```json\n{"rationale": "x", "class_name": "2. desc"}\n```')).toBe('DESC');
    expect(readTrecClass('4')).toBe('LOC');
    expect(() => readTrecAnswer('{"class_name": "DESC or ENTY"}')).toThrow(/several classes/);
    expect(() => readTrecAnswer('DESC')).toThrow(/no JSON object/);
  });
});

describe('trecPipeline', () => {
  it('eval mode: the system message is the instruction then the fixed format', async () => {
    const model = ScriptedModel.sequence(['{"rationale": "definition", "class_name": "ENTY"}']);
    const p = trecPipeline({ model });
    const pred = await p.predict(ex);
    expect(pred.value).toBe('ENTY');
    expect(p.evalScore(ex, pred)).toBe(0);
    expect(systemText(model.calls[0]!.request)).toBe(`${TREC_INSTRUCTION}\n\n${TREC_FORMAT}`);
  });

  it('train mode: the format is a non-trainable peer and gets no gradient', async () => {
    const p = trecPipeline({
      model: ScriptedModel.sequence(['{"rationale": "a thing", "class_name": "ENTY"}']),
    });
    const { loss, score } = await p.forwardLoss(ex);
    expect(score).toBe(0);
    const out = loss.predecessors[0]!;
    expect(predecessorNames(out)).toEqual([
      'trec.instruction',
      'trec.output_format',
      'trec.classifier.question',
    ]);
    const instruction = node(loss, 'trec.instruction');
    const format = node(loss, 'trec.output_format');
    expect([instruction.trainable, format.trainable]).toEqual([true, false]);
    expect(instruction.peers).toEqual([format]);

    const engine = feedbackEngine();
    const report = await backward(loss, { engine });
    expect(report.calls).toBe(2);
    expect(instruction.gradients.map((g) => g.feedback)).toEqual([
      'Feedback for trec.instruction: be more careful.',
    ]);
    expect(format.gradients).toHaveLength(0);
    // The engine saw the format as a peer of the instruction.
    const prompt = engine.calls[1]!.request.messages.map((m) => m.content).join('\n');
    expect(prompt).toMatch(/<PEERS>[\s\S]*trec\.output_format[\s\S]*<\/PEERS>/);
  });
});
