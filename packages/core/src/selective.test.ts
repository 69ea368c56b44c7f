import { ScriptedModel } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import { backwardFields, echoFeedback } from '../testing';
import { backward, fn, generator, loss, noErrorFeedback, param, runSample, sum } from './index';

const exact = (p: unknown, g: unknown) => (p === g ? 1 : 0);
const engineEcho = () => ScriptedModel.fn((req) => echoFeedback(req));

describe('selective gradients', () => {
  async function twoSamples() {
    const task = ScriptedModel.keyed([
      ['Q:right', 'yes'],
      ['Q:wrong', 'no'],
    ]);
    const instr = param('Say yes.', { name: 'instr', description: 'instruction' });
    const g = generator({ name: 'g', model: task, system: [instr], user: (x: { q: string }) => `Q:${x.q}` });
    const losses = await Promise.all(
      ['right', 'wrong'].map((q) => runSample(q, 'train', async () => loss(await g({ q }), 'yes', exact))),
    );
    return { instr, root: sum(losses) };
  }

  it('no engine call above the threshold: the fixed gradient instead', async () => {
    const { instr, root } = await twoSamples();
    const engine = engineEcho();
    const report = await backward(root, { engine });
    expect(report).toMatchObject({ calls: 3, skipped: 1 }); // 2 losses + the wrong sample's generator
    expect(
      engine.calls.filter((c) => backwardFields(c).kind === 'generator').map((c) => backwardFields(c).user),
    ).toHaveLength(1);
    const right = instr.gradients.find((g) => g.sampleId === 'right')!;
    expect(right).toMatchObject({
      feedback: noErrorFeedback(1),
      isSkipped: true,
      score: 1,
      request: undefined,
    });
    expect(right.feedback).toBe('Eval score: 1. No noticeable error.');
    expect(instr.gradients.find((g) => g.sampleId === 'wrong')).toMatchObject({ isSkipped: false, score: 0 });
  });

  it('computeForAll calls the engine for every sample (TextGrad-like ablation)', async () => {
    const { root } = await twoSamples();
    const engine = engineEcho();
    expect(await backward(root, { engine, computeForAll: true })).toMatchObject({ calls: 4, skipped: 0 });
  });

  it('the threshold is configurable and strict', async () => {
    const { root } = await twoSamples();
    const engine = engineEcho();
    expect(await backward(root, { engine, skipAboveScore: 1 })).toMatchObject({ calls: 4, skipped: 0 });
  });

  it('also applies to blame-splitting calls of functional nodes; loss calls are never skipped', async () => {
    const task = ScriptedModel.keyed([
      ['one', 'A'],
      ['two', 'B'],
      ['final', 'AB'],
    ]);
    const g1 = generator({
      name: 'g1',
      model: task,
      system: [param('P1', { name: 'p1', description: 'r' })],
      user: () => 'one',
    });
    const g2 = generator({
      name: 'g2',
      model: task,
      system: [param('P2', { name: 'p2', description: 'r' })],
      user: () => 'two',
    });
    const combine = fn('combine', (a: string, b: string) => a + b);
    const final = generator({
      name: 'final',
      model: task,
      system: [],
      user: (x: { v: string }) => `final ${x.v}`,
    });
    const l = await runSample('ok', 'train', async () =>
      loss(await final({ v: await combine(await g1({}), await g2({})) }), 'AB', exact),
    );
    const engine = engineEcho();
    // loss: 1 call; final -> combine.output, combine -> g1/g2 outputs, g1 -> p1, g2 -> p2: 5 fixed gradients
    expect(await backward(l, { engine })).toMatchObject({ calls: 1, skipped: 5 });
    expect(backwardFields(engine.calls[0]!).kind).toBe('loss');
  });
});

describe('feedbackText: false ("OPRO with data")', () => {
  it('needs no engine, makes no call, and still gives every gradient its input, output and score', async () => {
    const instr = param('Answer.', { name: 'instr', description: 'instruction' });
    const g = generator({
      name: 'gen',
      model: ScriptedModel.sequence(['wrong'], { repeatLast: true }),
      system: [instr],
      user: (x: { q: string }) => x.q,
    });
    const root = sum([
      await runSample('s1', 'train', async () => loss(await g({ q: 'Q1' }), 'right', () => 0)),
    ]);
    const report = await backward(root, { feedbackText: false });
    expect(report.calls).toBe(0);
    expect(instr.gradients).toHaveLength(1);
    expect(instr.gradients[0]?.score).toBe(0);
    expect(instr.gradients[0]?.context.inputOutput).toContain('Q1');
    expect(instr.gradients[0]?.context.inputOutput).toContain('wrong');
    await expect(backward(root, {})).rejects.toThrow(/needs a backward-engine model/);
  });
});
