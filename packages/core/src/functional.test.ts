import { ScriptedModel } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import { backwardFields, echoFeedback, ragSample } from '../testing';
import { backward, fn, generator, loss, param, retriever, runSample } from './index';

const exact = (p: unknown, g: unknown) => (p === g ? 1 : 0);
const engineEcho = () => ScriptedModel.fn((req) => echoFeedback(req));

describe('functional nodes', () => {
  it('retriever passes feedback through to a trainable query (copies, no call)', async () => {
    const l = await ragSample(ScriptedModel.sequence(['paris facts', 'Paris']), { k: 2, expected: 'Lyon' });
    const engine = engineEcho();
    const report = await backward(l, { engine, concurrency: 1 });
    expect(report).toMatchObject({ calls: 4, copies: 1 });
    expect(engine.calls.map((c) => backwardFields(c).target)).toEqual([
      'answer.output',
      'answer.instr',
      'search.output',
      'query.instr',
    ]);
    const queryOut = l.predecessors[0]!.predecessors[2]!.predecessors[0]!;
    expect(queryOut.name).toBe('query.output');
    expect(queryOut.gradients).toHaveLength(1);
    expect(queryOut.gradients[0]).toMatchObject({
      isCopy: true,
      feedback: 'fb[generator->search.output|capital]',
    });
    expect(backwardFields(engine.calls[3]!).successorFeedback).toEqual([
      'fb[generator->search.output|capital]',
    ]);
  });

  it('a retriever over a plain question is not trainable: no feedback reaches it', async () => {
    const task = ScriptedModel.sequence(['Paris']);
    const aInstr = param('Answer.', { name: 'answer.instr', description: 'answer instruction' });
    const search = retriever(() => ['d1'], { k: 1 });
    const answer = generator({
      name: 'answer',
      model: task,
      system: [aInstr],
      user: (x: { docs: string[] }) => x.docs.join(),
    });
    const l = await runSample('v1', 'train', async () =>
      loss(await answer({ docs: await search('question') }), 'Lyon', exact),
    );
    const engine = engineEcho();
    const report = await backward(l, { engine });
    expect(report).toMatchObject({ calls: 2, copies: 0 });
    expect(engine.calls.map((c) => backwardFields(c).target).sort()).toEqual([
      'answer.instr',
      'answer.output',
    ]);
  });

  it('counts only trainable predecessors: one trainable among several inputs passes through', async () => {
    const task = ScriptedModel.sequence(['x', 'y']);
    const g = generator({
      name: 'g',
      model: task,
      system: [param('P', { name: 'p', description: 'r' })],
      user: () => 'Q:one',
    });
    const combine = fn('combine', (a: string, b: string, c: string) => `${a}${b}${c}`);
    const final = generator({
      name: 'final',
      model: task,
      system: [param('F', { name: 'f', description: 'r', trainable: false })],
      user: (x: { v: string }) => x.v,
    });
    const l = await runSample('t1', 'train', async () =>
      loss(await final({ v: await combine(await g({}), 'plain', 'text') }), 'z', exact),
    );
    const engine = engineEcho();
    const report = await backward(l, { engine, concurrency: 1 });
    // loss -> final.output; final -> combine.output (its only trainable predecessor); combine passes through; g -> p
    expect(report).toMatchObject({ calls: 3, copies: 1 });
    expect(engine.calls.map((c) => backwardFields(c).kind)).toEqual(['loss', 'generator', 'generator']);
  });

  it('several trainable predecessors: one blame-splitting call per predecessor', async () => {
    const task = ScriptedModel.keyed([
      ['first', 'A'],
      ['second', 'B'],
      ['final', 'AB'],
    ]);
    const g1 = generator({
      name: 'g1',
      model: task,
      system: [param('P1', { name: 'p1', description: 'r' })],
      user: () => 'first Q:fan',
    });
    const g2 = generator({
      name: 'g2',
      model: task,
      system: [param('P2', { name: 'p2', description: 'r' })],
      user: () => 'second Q:fan',
    });
    const combine = fn('combine', (a: string, b: string) => a + b, {
      description: 'concatenates two strings',
    });
    const final = generator({
      name: 'final',
      model: task,
      system: [param('F', { name: 'f', description: 'r' })],
      user: (x: { q: string; v: string }) => `final Q:${x.q} ${x.v}`,
    });
    const l = await runSample('m1', 'train', async () =>
      loss(await final({ q: 'fan', v: await combine(await g1({}), await g2({})) }), 'BA', exact),
    );
    const engine = engineEcho();
    const report = await backward(l, { engine, concurrency: 1 });
    // loss 1 + final (f, combine.output) 2 + combine split 2 + g1 1 + g2 1
    expect(report).toMatchObject({ calls: 7, copies: 0 });
    const split = engine.calls.map(backwardFields).filter((f) => f.kind === 'function');
    expect(split.map((f) => f.target)).toEqual(['g1.output', 'g2.output']);
    expect(split[0]!.component).toContain('concatenates two strings');
    expect(split[0]!.otherInputs.map((x) => x.name)).toEqual(['g2.output']);
    expect(split[0]!.successorFeedback).toEqual(['fb[generator->combine.output|fan]']);
    expect(split[0]!.output).toBe('AB');
  });
});
