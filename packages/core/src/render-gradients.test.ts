import { readTag, readTags, TAGS } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import type { Gradient } from './gradient';
import { param, renderGradients } from './index';
import { groupGradients } from './render-gradients';

function g(sampleId: string, forwardOrder: number, score: number | undefined, feedback: string): Gradient {
  return {
    id: `${sampleId}-${forwardOrder}`,
    sampleId,
    fromComponentId: 'generator:g#1',
    fromComponentName: 'g',
    fromResponseId: `out-${sampleId}-${forwardOrder}`,
    toParamId: '',
    callIndex: forwardOrder,
    forwardOrder,
    order: 0,
    score,
    feedback,
    isCopy: false,
    isSkipped: false,
    isFailure: false,
    context: {
      inputOutput: `Input:\nin ${sampleId}/${forwardOrder}\nOutput:\nout`,
      variableRole: 'r',
      responseRole: 'r',
    },
  };
}

describe('renderGradients', () => {
  const p = param('v', { name: 'instr', description: 'instruction' });
  // insertion order deliberately scrambled
  p.addGradient(g('good', 0, 1, 'fine'));
  p.addGradient(g('bad', 1, 0, 'second call wrong'));
  p.addGradient(g('mid', 0, 0.5, 'half right'));
  p.addGradient(g('bad', 0, 0, 'first call wrong'));

  it('keeps the gradient list grouped by sample (first arrival) and in call order inside', () => {
    expect(p.gradients.map((x) => `${x.sampleId}:${x.callIndex}`)).toEqual([
      'good:0',
      'bad:0',
      'bad:1',
      'mid:0',
    ]);
    expect(p.gradients.map((x) => x.order)).toEqual([0, 3, 1, 2]);
  });

  it('groups by sample, worst average score first, call order inside, with input/output, score and feedback', () => {
    const text = renderGradients(p);
    const samples = readTags(text, TAGS.item.sample);
    expect(samples.map((s) => readTag(s, TAGS.item.sampleId))).toEqual(['bad', 'mid', 'good']);
    expect(samples.map((s) => readTag(s, TAGS.item.averageScore))).toEqual(['0.00', '0.50', '1.00']);
    const bad = readTags(samples[0]!, TAGS.item.entry);
    expect(bad.map((e) => readTag(e, TAGS.item.callIndex))).toEqual(['0', '1']);
    expect(bad.map((e) => readTag(e, TAGS.item.feedback))).toEqual(['first call wrong', 'second call wrong']);
    expect(readTag(bad[0]!, TAGS.item.inputOutput)).toBe('Component: g\nInput:\nin bad/0\nOutput:\nout');
    expect(readTag(bad[0]!, TAGS.item.score)).toBe('0');
    expect(text.split('\n')[0]).toContain('several entries');
    expect(text.split('\n')[0]).toContain('call order');
  });

  it('can leave out the feedback text (input/output/score only)', () => {
    const text = renderGradients(p, { feedback: false });
    expect(readTags(text, TAGS.item.feedback)).toEqual([]);
    expect(readTags(text, TAGS.item.score)).toHaveLength(4);
  });

  it('unknown scores count as 0; ties keep first arrival order', () => {
    const q = param('v', { name: 'q', description: 'r' });
    q.addGradient(g('a', 0, 0, 'x'));
    q.addGradient(g('b', 0, undefined, 'y'));
    expect(groupGradients(q).map((x) => x.sampleId)).toEqual(['a', 'b']);
    expect(renderGradients(param('v', { name: 'empty', description: 'r' }))).toBe('(no feedback yet)');
  });
});
