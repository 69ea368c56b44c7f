import { ScriptedModel } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import { backwardFields, echoFeedback, fakeGradient, ragSample as ragSampleOf } from '../testing';
import { backward, fn, generator, loss, type Parameter, param, retriever, runSample } from './index';

const exact = (p: unknown, g: unknown) => (p === g ? 1 : 0);
const engineEcho = () => ScriptedModel.fn((req) => echoFeedback(req));

describe('predecessors are de-duplicated', () => {
  it('a node passed twice to a function is one predecessor, and feedback still passes through', async () => {
    const task = ScriptedModel.sequence(['paris', 'paris!']);
    const qInstr = param('Write a word.', { name: 'word.instr', description: 'word instruction' });
    const word = generator({ name: 'word', model: task, system: [qInstr], user: (x: { q: string }) => x.q });
    const twice = fn('twice', (a: string, b: string) => `${a} ${b}`);
    const l = await runSample('s1', 'train', async () => {
      const w = await word({ q: 'Q:capital' });
      return loss(await twice(w, w), 'Lyon', exact);
    });
    const joined = l.predecessors[0]!;
    expect(joined.name).toBe('twice.output');
    expect(joined.predecessors.map((p) => p.name)).toEqual(['word.output']);
    const engine = engineEcho();
    const report = await backward(l, { engine, concurrency: 1 });
    // loss -> twice.output (1 call), pass-through to word.output (1 copy), word.output -> word.instr (1 call)
    expect(report).toMatchObject({ calls: 2, copies: 1, gradients: 3 });
    expect(joined.predecessors[0]!.gradients).toHaveLength(1);
    expect(qInstr.gradients).toHaveLength(1);
  });

  it('a node given to a generator under two names is one predecessor with one gradient', async () => {
    const task = ScriptedModel.sequence(['paris', 'Paris']);
    const qInstr = param('Write a word.', { name: 'word.instr', description: 'word instruction' });
    const aInstr = param('Answer.', { name: 'answer.instr', description: 'answer instruction' });
    const word = generator({ name: 'word', model: task, system: [qInstr], user: (x: { q: string }) => x.q });
    const answer = generator({
      name: 'answer',
      model: task,
      system: [aInstr],
      user: (x: { a: string; b: string }) => `Q:${x.a} ${x.b}`,
    });
    const l = await runSample('s1', 'train', async () => {
      const w = await word({ q: 'Q:capital' });
      return loss(await answer({ a: w, b: w }), 'Lyon', exact);
    });
    const out = l.predecessors[0]!;
    expect(out.predecessors.map((p) => p.name)).toEqual(['answer.instr', 'word.output']);
    const report = await backward(l, { engine: engineEcho(), concurrency: 1 });
    expect(report.calls).toBe(4); // loss, answer.instr, word.output, word.instr
    expect(out.predecessors[1]!.gradients).toHaveLength(1);
  });
});

describe('gradient insertion', () => {
  /** n gradients in backward's arrival pattern: samples in order, a sample's later calls first. */
  function fill(samples: number, calls = 4): Parameter {
    const p = param('x', { name: 'x', description: 'r' });
    for (let s = 0; s < samples; s++)
      for (let c = calls - 1; c >= 0; c--) p.addGradient(fakeGradient(`s${s}`, c, `g${s}.${c}`));
    return p;
  }

  it('adding n gradients costs O(n) ordering work, not O(n^2)', () => {
    const small = fill(1000);
    expect(small.orderingWork).toBe(0); // adding only appends: nothing is compared yet
    expect(small.gradients).toHaveLength(4000);
    const large = fill(4000);
    expect(large.gradients).toHaveLength(16000);
    // 4x the gradients: about 4x the comparisons (a quadratic insertion would do about 16x).
    expect(large.orderingWork / small.orderingWork).toBeLessThan(4.5);
    expect(large.orderingWork).toBeLessThan(8 * 16000);
    expect(large.gradients.slice(0, 5).map((g) => g.id)).toEqual(['g0.0', 'g0.1', 'g0.2', 'g0.3', 'g1.0']);
    const work = large.orderingWork;
    expect(large.gradients).toHaveLength(16000); // a second read sorts nothing
    expect(large.orderingWork).toBe(work);
    expect(large.hasGradient('g3999.2')).toBe(true);
  });

  it('any arrival order gives the (sample of first arrival, forward order, arrival) order', () => {
    const p = param('x', { name: 'x', description: 'r' });
    const arrivals: Array<[string, number]> = [
      ['b', 3],
      ['a', 1],
      ['b', 1],
      ['a', 1],
      ['c', 0],
      ['a', 0],
      ['b', 2],
    ];
    for (const [i, [s, f]] of arrivals.entries()) p.addGradient(fakeGradient(s, f, `${s}${f}#${i}`));
    expect(p.gradients.map((g) => g.id)).toEqual(['b1#2', 'b2#6', 'b3#0', 'a0#5', 'a1#1', 'a1#3', 'c0#4']);
    expect(p.gradients.map((g) => g.order)).toEqual([2, 6, 0, 5, 1, 3, 4]);
    p.zeroGrad();
    expect(p.gradients).toEqual([]);
    expect(p.hasGradient('b1#2')).toBe(false);
  });
});

describe("backward accounting: 'reference'", () => {
  const ragSample = (answerText: string) =>
    ragSampleOf(ScriptedModel.sequence(['paris facts', answerText]), { k: 1, expected: 'Lyon' });

  it('a retriever over a generated query asks the engine instead of passing feedback through', async () => {
    const paper = await backward(await ragSample('Paris'), { engine: engineEcho(), concurrency: 1 });
    expect(paper).toMatchObject({ calls: 4, copies: 1 });
    const engine = engineEcho();
    const ref = await backward(await ragSample('Paris'), { engine, concurrency: 1, accounting: 'reference' });
    expect(ref).toMatchObject({ calls: 5, copies: 0 });
    expect(engine.calls.map((c) => [backwardFields(c).kind, backwardFields(c).target])).toContainEqual([
      'function',
      'query.output',
    ]);
  });

  it('a retriever over a plain question: the reference asks for the retriever output and the question', async () => {
    const build = () => {
      const aInstr = param('Answer.', { name: 'answer.instr', description: 'answer instruction' });
      const search = retriever(() => ['d1'], { k: 1, name: 'search' });
      const answer = generator({
        name: 'answer',
        model: ScriptedModel.sequence(['Paris']),
        system: [aInstr],
        user: (x: { q: string; docs: string[] }) => `Q:${x.q}\n${x.docs.join('\n')}`,
      });
      return runSample('r1', 'train', async () =>
        loss(await answer({ q: 'capital', docs: await search('capital') }), 'Lyon', exact),
      );
    };
    expect((await backward(await build(), { engine: engineEcho() })).calls).toBe(2);
    const engine = engineEcho();
    const l = await build();
    expect((await backward(l, { engine, accounting: 'reference' })).calls).toBe(4);
    expect(engine.calls.map((c) => backwardFields(c).target).sort()).toEqual([
      'answer.instr',
      'answer.output',
      'search.arg0',
      'search.output',
    ]);
  });

  it('a function with two traced inputs asks the engine on correct samples too', async () => {
    const build = () => {
      const task = ScriptedModel.sequence(['Par', 'is']);
      const aInstr = param('First half.', { name: 'a.instr', description: 'first half' });
      const bInstr = param('Second half.', { name: 'b.instr', description: 'second half' });
      const a = generator({ name: 'a', model: task, system: [aInstr], user: (x: { q: string }) => x.q });
      const b = generator({ name: 'b', model: task, system: [bInstr], user: (x: { q: string }) => x.q });
      const join = fn('join', (x: string, y: string) => x + y);
      return runSample('r1', 'train', async () =>
        loss(await join(await a({ q: 'Q:cap' }), await b({ q: 'Q:cap' })), 'Paris', exact),
      );
    };
    // Correct sample: the paper's rule skips join's calls and the generators'; only the loss asks.
    const paper = await backward(await build(), { engine: engineEcho() });
    expect(paper).toMatchObject({ calls: 1, skipped: 4 });
    // The reference: the loss and both of join's inputs ask; the generators still skip.
    const ref = await backward(await build(), { engine: engineEcho(), accounting: 'reference' });
    expect(ref).toMatchObject({ calls: 3, skipped: 2 });
  });

  it('rejects an unknown accounting', async () => {
    const l = await ragSample('Paris');
    await expect(
      backward(l, { engine: engineEcho(), accounting: 'adalflow' as unknown as 'paper' }),
    ).rejects.toThrow("accounting must be 'paper' or 'reference'");
  });
});
