import { ScriptedModel } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import { backwardFields, echoFeedback, queryAnswerChain } from '../testing';
import { backward, generator, loss, type Parameter, param, renderGradients, runSample, sum } from './index';

const exact = (p: unknown, g: unknown) => (p === g ? 1 : 0);
const engineEcho = () => ScriptedModel.fn((req) => echoFeedback(req));

describe('backward through a chain', () => {
  it('walks in reverse topological order with exactly one call per trainable edge', async () => {
    const task = ScriptedModel.sequence(['lyon?', 'Lyon']);
    const { qInstr, aInstr, aFormat, run } = queryAnswerChain(task);
    const root = sum([await run('s1', 'capital', 'Paris')]);
    const engine = engineEcho();
    const report = await backward(root, { engine, concurrency: 1 });

    expect(report).toMatchObject({ calls: 4, skipped: 0, copies: 0, failures: 0, gradients: 4 });
    expect(engine.calls.map((c) => `${backwardFields(c).kind}->${backwardFields(c).target}`)).toEqual([
      'loss->answer.output',
      'generator->answer.instr',
      'generator->query.output',
      'generator->query.instr',
    ]);
    expect(engine.calls.every((c) => c.context?.role === 'backward' && backwardFields(c).isBackward)).toBe(
      true,
    );
    expect(aFormat.gradients).toEqual([]); // a non-trainable peer gets nothing
    expect(qInstr.gradients.map((g) => g.feedback)).toEqual(['fb[generator->query.instr|capital]']);
    expect(aInstr.gradients).toHaveLength(1);
  });

  it('loss feedback includes the expected answer; its prompt has ground truth and score', async () => {
    const task = ScriptedModel.sequence(['lyon?', 'Lyon']);
    const { run } = queryAnswerChain(task);
    const l = await run('s1', 'capital', 'Paris');
    const engine = engineEcho();
    await backward(l, { engine, concurrency: 1 });
    const f = backwardFields(engine.calls[0]!);
    expect(f).toMatchObject({
      kind: 'loss',
      target: 'answer.output',
      groundTruth: 'Paris',
      score: '0',
      output: 'score: 0',
    });
    expect(f.inputs).toContain('Lyon');
    expect(f.component).toContain('exact match');
    const prediction = l.predecessors[0]!;
    expect(prediction.gradients[0]!.feedback).toBe(
      'Expected answer: Paris\nFeedback: fb[loss->answer.output|?]',
    );
    expect(prediction.groundTruth).toBe('Paris');
  });

  it('generator feedback shows the variable, its peers, other predecessors, inputs, output, ground truth, successor feedback', async () => {
    const task = ScriptedModel.sequence(['lyon?', 'Lyon']);
    const { run } = queryAnswerChain(task);
    const engine = engineEcho();
    await backward(await run('s1', 'capital', 'Paris'), { engine, concurrency: 1 });

    const toInstr = backwardFields(engine.calls[1]!);
    expect(toInstr).toMatchObject({
      kind: 'generator',
      target: 'answer.instr',
      targetRole: 'answer instruction',
      targetValue: 'Answer briefly.',
      output: 'Lyon',
      groundTruth: 'Paris',
      score: '0',
    });
    expect(toInstr.peers).toEqual([{ name: 'answer.format', trainable: 'no', value: 'One word.' }]);
    expect(toInstr.otherInputs.map((x) => x.name)).toEqual(['query.output']);
    expect(toInstr.inputs).toContain('capital');
    expect(toInstr.inputs).toContain('lyon?');
    expect(toInstr.successorFeedback).toEqual([
      'Expected answer: Paris\nFeedback: fb[loss->answer.output|?]',
    ]);
    expect(toInstr.user).toContain('Note from the user about this variable: keep it short');

    const toUpstream = backwardFields(engine.calls[2]!);
    expect(toUpstream.target).toBe('query.output');
    expect(toUpstream.peers).toEqual([]);
    expect(toUpstream.otherInputs.map((x) => x.name)).toEqual(['answer.instr', 'answer.format']);

    const toQuery = backwardFields(engine.calls[3]!);
    expect(toQuery.groundTruth).toBeUndefined(); // only the final prediction knows the answer
    expect(toQuery.successorFeedback).toEqual(['fb[generator->query.output|capital]']);
  });

  it('a gradient targets exactly one parameter: two trainable peers get separate calls, each sees the other as a peer', async () => {
    const task = ScriptedModel.sequence(['x']);
    const a = param('A', { name: 'a', description: 'first part' });
    const b = param('B', { name: 'b', description: 'second part' });
    const g = generator({ name: 'g', model: task, system: [a, b], user: () => 'u' });
    const engine = engineEcho();
    const l = await runSample('p1', 'train', async () => loss(await g({}), 'y', exact));
    await backward(l, { engine, concurrency: 1 });
    expect(engine.calls).toHaveLength(3);
    const peerCalls = engine.calls.slice(1).map(backwardFields);
    expect(peerCalls.map((f) => [f.target, f.peers.map((p) => p.name)])).toEqual([
      ['a', ['b']],
      ['b', ['a']],
    ]);
    for (const p of [a, b]) expect(p.gradients.map((x) => x.toParamId)).toEqual([p.id]);
    expect(a.value).toBe('A'); // backward never edits values
  });
});

describe('time-sequential gradients', () => {
  it('two calls of one generator for one sample give two gradients in call order, rendered in that order', async () => {
    const task = ScriptedModel.sequence(['hop one', 'hop two']);
    const instr = param('Next query.', { name: 'hop.instr', description: 'query instruction' });
    const hop = generator({
      name: 'hop',
      model: task,
      system: [instr],
      user: (x: { q: string; prev?: string }) => `Q:${x.q} ${x.prev ?? ''}`,
    });
    const l = await runSample('c1', 'train', async () => {
      const first = await hop({ q: 'loop' });
      return loss(await hop({ q: 'loop', prev: first }), 'answer', exact);
    });
    const engine = engineEcho();
    const report = await backward(l, { engine, concurrency: 1 });
    expect(report.calls).toBe(4); // loss, call 1 -> instr and -> call 0 output, call 0 -> instr
    expect(instr.gradients.map((g) => [g.sampleId, g.callIndex, g.fromComponentName])).toEqual([
      ['c1', 0, 'hop'],
      ['c1', 1, 'hop'],
    ]);
    // call 1's gradient was produced first (it is nearer the loss); order records that, the list is in call order
    expect(instr.gradients.map((g) => g.order)).toEqual([1, 0]);
    const text = renderGradients(instr);
    expect(text.indexOf('<CALL_INDEX>0</CALL_INDEX>')).toBeLessThan(
      text.indexOf('<CALL_INDEX>1</CALL_INDEX>'),
    );
    expect(text).toContain('called several times');
    expect(text).toContain('Output:\nhop one');
  });
});

describe('engine failures and accounting', () => {
  it('an engine error or empty answer becomes a failure gradient, counted, not a crash', async () => {
    const task = ScriptedModel.sequence(['lyon?', 'Lyon']);
    const { qInstr, aInstr, run } = queryAnswerChain(task);
    const engine = ScriptedModel.fn((req) => {
      const target = backwardFields({ request: req } as never).target;
      if (target === 'answer.instr') throw new Error('HTTP 500');
      if (target === 'query.instr') return '   ';
      return echoFeedback(req);
    });
    const report = await backward(await run('s1', 'capital', 'Paris'), {
      engine,
      concurrency: 1,
      labels: { step: 3 },
    });
    expect(report).toMatchObject({ calls: 4, failures: 2, gradients: 4 });
    expect(aInstr.gradients[0]).toMatchObject({ isFailure: true });
    expect(aInstr.gradients[0]!.feedback).toContain('backward engine failed');
    expect(aInstr.gradients[0]!.feedback).toContain('HTTP 500');
    expect(qInstr.gradients[0]!.feedback).toContain('empty answer');
    expect(engine.calls.every((c) => c.context?.labels?.step === 3)).toBe(true);
  });

  it('task role is configurable per generator and per sample', async () => {
    const task = ScriptedModel.sequence(['a', 'b', 'c'], { repeatLast: true });
    const other = ScriptedModel.sequence(['t']);
    const g = generator({
      name: 'g',
      model: task,
      role: 'teacher',
      system: [],
      user: () => 'u',
      labels: { run: 'x' },
    });
    await runSample('a', 'eval', () => g({}));
    await runSample('b', 'eval', () => g({}), { role: 'judge', labels: { sample: 'b' } });
    await runSample('c', 'eval', () => g({}), { model: other });
    expect(task.calls.map((c) => c.context?.role)).toEqual(['teacher', 'judge']);
    expect(task.calls[1]!.context?.labels).toEqual({ run: 'x', sample: 'b' });
    expect(other.calls).toHaveLength(1);
  });

  it('running backward twice does not duplicate gradients', async () => {
    const task = ScriptedModel.sequence(['lyon?', 'Lyon']);
    const { aInstr, run } = queryAnswerChain(task);
    const l = await run('s1', 'capital', 'Paris');
    const engine = engineEcho();
    await backward(l, { engine });
    const again = await backward(l, { engine });
    expect(again.calls).toBe(0);
    expect(aInstr.gradients).toHaveLength(1);
  });

  it('parse errors are recorded and shown to the backward engine', async () => {
    const task = ScriptedModel.sequence(['not a number']);
    const instr = param('Count.', { name: 'instr', description: 'instruction' });
    const g = generator({
      name: 'count',
      model: task,
      system: [instr],
      user: () => 'Q:n',
      parse: (t) => {
        const n = Number(t);
        if (Number.isNaN(n)) throw new Error('expected a number');
        return n;
      },
    });
    const out = (await runSample('e', 'train', () => g({}))) as Parameter<number | undefined>;
    expect(out.value).toBeUndefined();
    expect(out.trace?.error).toBe('expected a number');
    const l = await runSample('e', 'train', async () => loss(out, 3, exact));
    const engine = engineEcho();
    await backward(l, { engine, concurrency: 1 });
    expect(backwardFields(engine.calls[1]!).output).toBe('not a number\n(parse error: expected a number)');
  });
});
