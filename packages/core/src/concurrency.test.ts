import { readTag, readTags, ScriptedModel, TAGS } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import { echoFeedback, jitter } from '../testing';
import {
  backward,
  fn,
  generator,
  loss,
  type Parameter,
  param,
  renderGradients,
  requestText,
  runSample,
  sum,
  topologicalOrder,
} from './index';

/**
 * Two query branches, a loop (one generator called twice) and an answer, over four samples. Task answers
 * are keyed on the prompt, so every run builds the same graph; the engine answers after a random delay.
 */
async function buildAndBackward(concurrency: number, engineDelayMs: number) {
  const task = ScriptedModel.fn((req) => {
    const user = req.messages.at(-1)!.content;
    const q = /Q:(\w+)/.exec(user)?.[1] ?? '?';
    return `${q}-${user.length}`;
  });
  const p1 = param('Branch one.', { name: 'b1.instr', description: 'branch instruction' });
  const p2 = param('Branch two.', { name: 'b2.instr', description: 'branch instruction' });
  const loopInstr = param('Refine.', { name: 'loop.instr', description: 'refine instruction' });
  const answerInstr = param('Answer.', { name: 'answer.instr', description: 'answer instruction' });
  const b1 = generator({ name: 'b1', model: task, system: [p1], user: (x: { q: string }) => `Q:${x.q} one` });
  const b2 = generator({ name: 'b2', model: task, system: [p2], user: (x: { q: string }) => `Q:${x.q} two` });
  const refine = generator({
    name: 'loop',
    model: task,
    system: [loopInstr],
    user: (x: { q: string; v: string }) => `Q:${x.q} ${x.v}`,
  });
  const join = fn('join', (a: string, b: string) => `${a}|${b}`);
  const answer = generator({
    name: 'answer',
    model: task,
    system: [answerInstr],
    user: (x: { q: string; v: string }) => `Q:${x.q} ${x.v}`,
  });
  const samples = ['s1', 's2', 's3', 's4'];
  const losses = await Promise.all(
    samples.map((q) =>
      runSample(q, 'train', async () => {
        const [r1, r2] = await Promise.all([b1({ q }), b2({ q })]);
        const once = await refine({ q, v: await join(r1, r2) });
        const twice = await refine({ q, v: once });
        return loss(await answer({ q, v: twice }), 'gold', () => (q === 's4' ? 1 : 0));
      }),
    ),
  );
  let inFlight = 0;
  let maxInFlight = 0;
  const engine = ScriptedModel.fn(async (req) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await jitter(engineDelayMs);
    inFlight--;
    return echoFeedback(req);
  });
  const params = [p1, p2, loopInstr, answerInstr];
  const normalized = params.map((p) =>
    p.gradients.map((g) => [g.sampleId, g.fromComponentName, g.callIndex, g.feedback, g.isCopy, g.isSkipped]),
  );
  const root = sum(losses);
  const report = await backward(root, { engine, concurrency });
  return {
    root,
    report,
    normalized,
    maxInFlight,
    engine,
    params,
    rendered: params.map((p) => renderGradients(p)),
  };
}

describe('concurrent backward', () => {
  it('runs independent calls in parallel under the limit, with the same gradients in the same order as a sequential run', async () => {
    const sequential = await buildAndBackward(1, 0);
    const parallel = await buildAndBackward(3, 3);

    expect(sequential.maxInFlight).toBe(1);
    expect(parallel.maxInFlight).toBeGreaterThan(1);
    expect(parallel.maxInFlight).toBeLessThanOrEqual(3);
    expect(parallel.report.peakConcurrency).toBe(parallel.maxInFlight);

    // per failing sample: loss 1, answer 2, loop call 1: 2, loop call 0: 2, join split 2, b1 1, b2 1 = 11; s4 scores 1: loss only
    expect(sequential.report).toMatchObject({ calls: 3 * 11 + 1, skipped: 10, copies: 0, failures: 0 });
    expect(parallel.report).toMatchObject({
      calls: sequential.report.calls,
      skipped: 10,
      gradients: sequential.report.gradients,
    });
    expect(parallel.normalized).toEqual(sequential.normalized);
    expect(parallel.rendered).toEqual(sequential.rendered);

    // the loop prompt has, per sample, call 0 then call 1
    const loop = parallel.params[2]!;
    const perSample = new Map<string, number[]>();
    for (const g of loop.gradients)
      perSample.set(g.sampleId, [...(perSample.get(g.sampleId) ?? []), g.callIndex]);
    expect([...perSample.values()]).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
      [0, 1],
    ]);
  });

  it('a node sends feedback only after all its successors did (every prompt holds the final successor feedback)', async () => {
    const { root } = await buildAndBackward(4, 2);
    const nodes = new Map(topologicalOrder(root).map((p) => [p.id, p]));
    let checked = 0;
    for (const node of nodes.values()) {
      for (const g of node.gradients) {
        if (!g.request || g.fromComponentName === 'loss') continue;
        const response = nodes.get(g.fromResponseId)!;
        const section = readTag(requestText(g.request), TAGS.backward.successorFeedback) ?? '';
        expect(readTags(section, TAGS.item.entry)).toEqual(response.gradients.map((x) => x.feedback));
        checked++;
      }
    }
    expect(checked).toBe(30); // 33 calls minus 3 loss calls
  });
});

it('a parameter from a concurrent run keeps its own sample ids', async () => {
  const task = ScriptedModel.fn((req) => req.messages.at(-1)!.content);
  const g = generator({ name: 'g', model: task, system: [], user: (x: { v: string }) => x.v });
  const outs = (await Promise.all(
    ['a', 'b', 'c'].map((id) => runSample(id, 'train', () => g({ v: id }))),
  )) as Parameter[];
  expect(outs.map((o) => [o.sampleId, o.value])).toEqual([
    ['a', 'a'],
    ['b', 'b'],
    ['c', 'c'],
  ]);
});
