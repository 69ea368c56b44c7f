import { ScriptedModel } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import { exportGraph, toDot, toMermaid } from './graph-export';
import {
  fn,
  generator,
  isParameter,
  loss,
  type Parameter,
  param,
  retriever,
  runSample,
  sum,
  unwrap,
} from './index';

function counter(model: ScriptedModel) {
  const instr = param('Count the objects.', {
    name: 'count.instruction',
    description: 'counting instruction',
  });
  const format = param('Reply with a number.', {
    name: 'count.format',
    description: 'output format',
    trainable: false,
  });
  const count = generator({
    name: 'count',
    model,
    system: [instr, format],
    user: (x: { question: string }) => x.question,
    parse: (t) => Number(t),
  });
  return { instr, format, count };
}

describe('recorded graph', () => {
  it('single node: predecessors are the prompts and the wrapped input; component, sample, peers recorded', async () => {
    const model = ScriptedModel.sequence(['3']);
    const { instr, format, count } = counter(model);
    const out = (await runSample('s1', 'train', () => count({ question: 'how many?' }))) as Parameter<number>;

    expect(isParameter(out)).toBe(true);
    expect(out.value).toBe(3);
    expect(out.sampleId).toBe('s1');
    expect(out.kind).toBe('output');
    expect(out.trainable).toBe(true);
    expect(out.component).toEqual({
      id: count.id,
      name: 'count',
      kind: 'generator',
      callIndex: 0,
      forwardOrder: 0,
    });
    expect(out.predecessors.map((p) => p.name)).toEqual([
      'count.instruction',
      'count.format',
      'count.question',
    ]);
    const input = out.predecessors[2]!;
    expect([input.kind, input.trainable, input.sampleId, input.value]).toEqual([
      'input',
      false,
      's1',
      'how many?',
    ]);
    expect(instr.peers).toEqual([format]);
    expect(format.peers).toEqual([instr]);
    expect(out.trace).toEqual({ input: 'how many?', output: '3', error: undefined });

    expect(model.calls).toHaveLength(1);
    expect(model.calls[0]!.context?.role).toBe('task');
    expect(model.calls[0]!.request.messages).toEqual([
      { role: 'system', content: 'Count the objects.\n\nReply with a number.' },
      { role: 'user', content: 'how many?' },
    ]);
  });

  it('chain: generator -> function -> generator, forward order and component ids', async () => {
    const model = ScriptedModel.sequence(['paris', 'France is big']);
    const q = param('Name a city.', { name: 'q.instr', description: 'instruction' });
    const a = param('Describe the country.', { name: 'a.instr', description: 'instruction' });
    const first = generator({ name: 'first', model, system: [q], user: (x: { topic: string }) => x.topic });
    const upper = fn('upper', (s: string) => s.toUpperCase());
    const second = generator({
      name: 'second',
      model,
      system: [a],
      user: (x: { city: string }) => `city: ${x.city}`,
    });

    const out = (await runSample('c1', 'train', async () =>
      second({ city: await upper(await first({ topic: 'europe' })) }),
    )) as Parameter;
    const upperOut = out.predecessors[1]!;
    const firstOut = upperOut.predecessors[0]!;
    expect(model.calls[1]!.request.messages[1]!.content).toBe('city: PARIS');
    expect(upperOut.component).toMatchObject({ id: upper.id, kind: 'function', forwardOrder: 1 });
    expect(firstOut.component).toMatchObject({ id: first.id, kind: 'generator', forwardOrder: 0 });
    expect(out.component).toMatchObject({ id: second.id, forwardOrder: 2 });
    expect(firstOut.predecessors.map((p) => p.name)).toEqual(['q.instr', 'first.topic']);
    expect([out, upperOut, firstOut].map((p) => p.sampleId)).toEqual(['c1', 'c1', 'c1']);
    expect(new Set([first.id, upper.id, second.id]).size).toBe(3);
  });

  it('fan-in: a function over two generator outputs has both as predecessors', async () => {
    const model = ScriptedModel.sequence(['a', 'b']);
    const g1 = generator({
      name: 'g1',
      model,
      system: [param('x', { name: 'p1', description: 'r' })],
      user: () => 'u1',
    });
    const g2 = generator({
      name: 'g2',
      model,
      system: [param('y', { name: 'p2', description: 'r' })],
      user: () => 'u2',
    });
    const join = fn('join', (xs: string[]) => xs.join('+'));
    const out = (await runSample('f1', 'train', async () =>
      join([await g1({}), await g2({})]),
    )) as Parameter<string>;
    expect(out.value).toBe('a+b');
    expect(out.predecessors.map((p) => p.component?.name)).toEqual(['g1', 'g2']);
    expect(out.predecessors.every((p) => p.sampleId === 'f1')).toBe(true);
    expect(out.trainable).toBe(true);
  });

  it('loop: one generator called twice records two outputs with call indexes 0 and 1 sharing its prompt', async () => {
    const model = ScriptedModel.sequence(['q1', 'q2']);
    const instr = param('Write the next query.', { name: 'hop.instr', description: 'query instruction' });
    const hop = generator({
      name: 'hop',
      model,
      system: [instr],
      user: (x: { question: string; previous?: string }) => `${x.question} ${x.previous ?? ''}`,
    });
    const second = (await runSample('l1', 'train', async () => {
      const first = await hop({ question: 'Q' });
      return hop({ question: 'Q', previous: first });
    })) as Parameter<string>;
    const first = second.predecessors.find((p) => p.kind === 'output')!;
    expect(first.component?.id).toBe(hop.id);
    expect(second.component?.id).toBe(hop.id);
    expect([first.component?.callIndex, second.component?.callIndex]).toEqual([0, 1]);
    expect(first.predecessors[0]).toBe(instr);
    expect(second.predecessors[0]).toBe(instr);
    expect(model.calls[1]!.request.messages[1]!.content).toBe('Q q1');
  });

  it('an array input of traced values (agent steps so far): each element is a predecessor', async () => {
    const model = ScriptedModel.fn((req) => `seen: ${req.messages.at(-1)!.content}`);
    const step = generator({
      name: 'step',
      model,
      system: [],
      user: (x: { steps: string[] }) => x.steps.join(' / '),
    });
    const out = (await runSample('a1', 'train', async () => {
      const s1 = await step({ steps: [] });
      const s2 = await step({ steps: [s1] });
      return step({ steps: [s1, s2, 'note'] });
    })) as Parameter<string>;
    expect(out.value).toBe('seen: seen:  / seen: seen:  / note');
    expect(out.predecessors.map((p) => p.component?.callIndex)).toEqual([0, 1]);
  });

  it('call indexes are per sample, also when samples run concurrently', async () => {
    const model = ScriptedModel.fn((req) => req.messages.at(-1)!.content);
    const g = generator({ name: 'g', model, system: [], user: (x: { v: string }) => x.v });
    const outs = await Promise.all(
      ['a', 'b'].map((id) =>
        runSample(id, 'train', async () => [await g({ v: id }), await g({ v: id })] as Parameter[]),
      ),
    );
    expect(outs.flat().map((o) => [o.sampleId, o.component?.callIndex])).toEqual([
      ['a', 0],
      ['a', 1],
      ['b', 0],
      ['b', 1],
    ]);
  });
});

describe('eval mode', () => {
  it('returns plain values and records nothing', async () => {
    const model = ScriptedModel.sequence(['4', '4']);
    const { instr, count } = counter(model);
    const value = await runSample('e1', 'eval', () => count({ question: 'q' }));
    expect(value).toBe(4);
    expect(isParameter(value)).toBe(false);
    const l = await runSample('e1', 'eval', async () =>
      loss(await count({ question: 'q' }), 4, (p, g) => (p === g ? 1 : 0)),
    );
    expect(l.predecessors).toEqual([]);
    expect(l.score).toBe(1);
    expect(l.trainable).toBe(false);
    expect(instr.gradients).toEqual([]);
    expect(unwrap(value)).toBe(4);

    const upper = fn('upper', (x: string) => x.toUpperCase());
    const search = retriever((q: string, k: number) => Array(k).fill(q), { k: 2 });
    const docs = await runSample('e2', 'eval', async () => search(await upper('abc')));
    expect(docs).toEqual(['ABC', 'ABC']);
  });
});

describe('graph export', () => {
  it('exports JSON, DOT and Mermaid with every node and edge', async () => {
    const model = ScriptedModel.sequence(['3']);
    const { count } = counter(model);
    const l = await runSample('x1', 'train', async () =>
      loss(await count({ question: 'q' }), 3, (p, g) => (p === g ? 1 : 0)),
    );
    const root = sum([l]);
    const graph = exportGraph(root);
    expect(graph.nodes.map((n) => n.name)).toEqual([
      'count.instruction',
      'count.format',
      'count.question',
      'count.output',
      'loss',
      'sum',
    ]);
    expect(graph.edges).toHaveLength(5);
    expect(graph.edges).toContainEqual({ from: l.id, to: root.id });
    expect(graph.nodes.find((n) => n.name === 'count.output')).toMatchObject({
      sampleId: 'x1',
      score: 1,
      value: '3',
    });

    const dot = toDot(graph);
    expect(dot.startsWith('digraph')).toBe(true);
    expect(dot.match(/ -> /g)).toHaveLength(5);
    expect(dot).toContain('sample x1');
    const mermaid = toMermaid(graph);
    expect(mermaid.split('\n')[0]).toBe('flowchart LR');
    expect(mermaid.match(/-->/g)).toHaveLength(5);
    expect(mermaid).not.toContain('#1'); // ids are mapped to mermaid-safe ones
  });
});
