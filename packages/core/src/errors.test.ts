import { BudgetExceededError, type ChatModel, ScriptedModel } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import {
  AutodiffError,
  BackwardConfigError,
  backward,
  ComponentOutputError,
  fn,
  GraphCycleError,
  generator,
  loss,
  Parameter,
  ParameterStateError,
  param,
  retriever,
  runSample,
  SampleIdError,
  sum,
} from './index';

const model = () => ScriptedModel.sequence(['x'], { repeatLast: true });

describe('clear errors', () => {
  it('a component returning the wrong type', async () => {
    const p = param('v', { name: 'p', description: 'r' });
    const bad = fn('leaky', () => p);
    await expect(runSample('s', 'train', () => bad())).rejects.toThrow(ComponentOutputError);
    await expect(runSample('s', 'train', () => bad())).rejects.toThrow(
      /function 'leaky' \(call 0 of sample 's'\): the function returned a Parameter/,
    );

    const search = retriever(() => 'not a list' as unknown as string[], { k: 1, name: 'bm25' });
    await expect(runSample('s', 'eval', () => search('q'))).rejects.toThrow(
      /retriever 'bm25'.*must return an array/,
    );
    await expect(runSample('s', 'eval', () => search(undefined as unknown as string))).rejects.toThrow(
      /query must be a string, got undefined/,
    );

    const g = generator({ name: 'gen', model: model(), system: [], user: () => 42 as unknown as string });
    await expect(runSample('s', 'eval', () => g({}))).rejects.toThrow(
      /generator 'gen'.*user\(\) must return a string, got number/,
    );

    await expect(runSample('s', 'train', () => loss('a', 'b', () => 2))).rejects.toThrow(
      /loss 'loss' \(sample 's'\): metric must return a number in \[0, 1\], got 2/,
    );
  });

  it('a missing or mixed-up sample id', async () => {
    const g = generator({
      name: 'gen',
      model: model(),
      system: [],
      user: (x: { v: unknown }) => String(x.v),
    });
    await expect(g({ v: 1 })).rejects.toThrow(SampleIdError);
    await expect(g({ v: 1 })).rejects.toThrow(/generator 'gen': called outside runSample\(\)/);
    expect(() => runSample('', 'train', async () => 1)).toThrow(/sample id must be a non-empty string/);
    expect(() => runSample('a', 'test' as 'train', async () => 1)).toThrow(/mode must be 'train' or 'eval'/);

    const other = await runSample('a', 'train', () => g({ v: 1 }));
    await expect(runSample('b', 'train', () => g({ v: other }))).rejects.toThrow(
      /input 'gen.output' \(gen.output#\d+\) belongs to sample 'a' but the running sample is 'b'/,
    );
    const orphan = new Parameter({
      name: 'question',
      description: 'q',
      kind: 'input',
      value: 'q',
      trainable: false,
    });
    await expect(runSample('b', 'train', () => g({ v: orphan }))).rejects.toThrow(
      /input 'question' .* has no sample id/,
    );
  });

  it('a cycle in the graph names the nodes', async () => {
    const a = new Parameter({
      name: 'a',
      description: 'r',
      kind: 'output',
      value: 1,
      trainable: true,
      sampleId: 's',
    });
    const b = new Parameter({
      name: 'b',
      description: 'r',
      kind: 'output',
      value: 1,
      trainable: true,
      sampleId: 's',
    });
    a.predecessors = [b];
    b.predecessors = [a];
    const root = sum([a]);
    const engine = model();
    await expect(backward(root, { engine })).rejects.toThrow(GraphCycleError);
    await expect(backward(root, { engine })).rejects.toThrow(
      /the graph has a cycle: a#\d+ -> b#\d+ -> a#\d+/,
    );
    expect(engine.calls).toHaveLength(0);
  });

  it('backward without an engine or with bad options', async () => {
    const l = await runSample('s', 'train', () => loss('a', 'a', () => 1));
    await expect(backward(l, { engine: undefined as unknown as ChatModel })).rejects.toThrow(
      BackwardConfigError,
    );
    await expect(backward(l, {} as { engine: ChatModel })).rejects.toThrow(
      /loss#\d+: backward\(\) needs a backward-engine model/,
    );
    await expect(backward(l, { engine: model(), concurrency: 0 })).rejects.toThrow(
      /concurrency must be an integer >= 1/,
    );
    await expect(backward('x' as unknown as Parameter, { engine: model() })).rejects.toThrow(
      /root must be a Parameter/,
    );
  });

  it('bad component definitions and parameter misuse', () => {
    expect(() =>
      generator({ name: 'g', model: model(), system: ['text' as unknown as Parameter], user: () => '' }),
    ).toThrow(/generator 'g' .*`system` must be an array of Parameters/);
    expect(() => retriever(() => [], { k: 0, name: 'r' })).toThrow(
      /retriever 'r': `k` must be an integer >= 1/,
    );
    expect(() => param('v', { name: 'p', description: '' })).toThrow(/`description` is required/);
    const p = param('v', { name: 'p', description: 'r' });
    expect(() => p.revert()).toThrow(ParameterStateError);
    p.propose('w');
    expect(() => p.propose('z')).toThrow(/p#\d+: propose\(\) while a proposal is pending/);
    expect(() => sum([])).toThrow(AutodiffError);
  });
});

describe('errors that stop a run', () => {
  const oneSampleLoss = async (task: ChatModel) => {
    const instr = param('Answer.', { name: 'instr', description: 'instruction' });
    const g = generator({ name: 'gen', model: task, system: [instr], user: (x: { q: string }) => x.q });
    return runSample('s1', 'train', async () => loss(await g({ q: 'question' }), 'right', () => 0));
  };

  it('a spent budget in the backward engine propagates instead of becoming failed feedback', async () => {
    const engine = ScriptedModel.fn(() => {
      throw new BudgetExceededError('role:backward', 'calls', 0, 0);
    });
    const root = sum([await oneSampleLoss(model())]);
    await expect(backward(root, { engine })).rejects.toBeInstanceOf(BudgetExceededError);
  });

  it('any other engine error becomes a counted failure with feedback that says so', async () => {
    const engine = ScriptedModel.fn(() => {
      throw new Error('connection reset');
    });
    const lossNode = await oneSampleLoss(model());
    const report = await backward(sum([lossNode]), { engine });
    expect(report.failures).toBeGreaterThan(0);
    const pred = lossNode.predecessors.find((p) => p.kind === 'output')!;
    expect(pred.gradients[0]?.feedback).toMatch(/failed.*connection reset/);
  });
});
