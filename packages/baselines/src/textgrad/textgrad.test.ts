import { fn, generator, loss, param, runSample } from '@llm-autodiff/core';
import { ScriptedModel } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import {
  TestRun,
  toyBackwardModel,
  toyData,
  toyOptimizerModel,
  toyProgram,
  toyTaskModel,
} from '../../testing/toy';
import { textgradBackward } from './backward';
import { textgradFactory } from './method';

function setup(edit: (i: number) => string) {
  const task = toyTaskModel();
  const backwardModel = toyBackwardModel();
  const optimizer = toyOptimizerModel(edit);
  const program = toyProgram(task);
  const run = new TestRun({
    program,
    data: { train: toyData(0, 9), val: toyData(100, 10), test: [] },
    models: { backward: backwardModel, optimizer },
  });
  const method = textgradFactory.create({
    config: textgradFactory.resolveConfig({}),
    program,
    models: run.models,
    cacheSalt: 'test',
  });
  if (Array.isArray(method)) throw new Error('one method expected');
  return { task, backwardModel, optimizer, program, run, method };
}

describe('textgrad method', () => {
  it('defaults: batch 3, 3 epochs x 4 steps', () => {
    const { method } = setup(() => 'careful');
    expect(method.batchSize).toBe(3);
    expect(method.steps()).toBe(12);
    expect(textgradFactory.resolveConfig({}).gradientMemory).toBe(0);
  });

  it('one step: backward = samples x (loss + 1 prompt), one TGD call per prompt, one validation pass', async () => {
    const { task, backwardModel, optimizer, program, run, method } = setup(() => 'careful');
    run.bestVal = 0.5;
    const batch = run.data.train.slice(0, 3);
    const out = await method.step(run, batch);
    // 3 samples, each: the evaluation's base call + a chain call for the one trainable prompt.
    expect(backwardModel.calls).toHaveLength(6);
    expect(out.backward?.calls).toBe(6);
    expect(optimizer.calls).toHaveLength(1);
    // the run's onBackward hook (graph export) saw the batch root: the sum of the three losses
    expect(run.backwardRoots).toHaveLength(1);
    expect(run.backwardRoots[0]?.predecessors).toHaveLength(3);
    // forward 3 + full validation 10 (the improved prompt beats 0.5: no early stop)
    expect(task.calls).toHaveLength(3 + 10);
    expect(out.accepted).toBe(true);
    expect(out.bestVal).toBe(0.7);
    expect(program.instruction.value).toBe('Answer the question. careful');
    // every backward request is a TextGrad one: no peers, no selective skip; TGD saw all three samples
    for (const c of backwardModel.calls) expect(c.request.messages[1]?.content).not.toContain('<PEERS>');
    const tgd = optimizer.calls[0]?.request.messages[1]?.content ?? '';
    expect(tgd.split('<SAMPLE>').length - 1).toBe(3);
    // tokens: what the ledger would bill equals the requests actually sent
    const tokens = backwardModel.calls.reduce((s, c) => s + c.response.usage.promptTokens, 0);
    expect(tokens).toBeGreaterThan(0);
  });

  it('a degrading update is reverted on validation (gate)', async () => {
    const { program, run, method } = setup(() => 'sloppy');
    run.bestVal = 0.5;
    const out = await method.step(run, run.data.train.slice(0, 3));
    expect(out.accepted).toBe(false);
    expect(out.tried).toBe(1);
    expect(out.summary).toBe('update reverted (validation fell)');
    expect(program.instruction.value).toBe('Answer the question.');
    expect(out.bestVal).toBe(0.5);
  });

  it('gradient memory reaches the TGD prompt when enabled', async () => {
    const task = toyTaskModel(0);
    const optimizer = toyOptimizerModel(() => 'sloppy');
    const program = toyProgram(task);
    const run = new TestRun({
      program,
      data: { train: toyData(0, 9), val: toyData(100, 10), test: [] },
      models: { backward: toyBackwardModel(), optimizer },
    });
    const m = textgradFactory.create({
      config: textgradFactory.resolveConfig({ gradientMemory: 2 }),
      program,
      models: run.models,
      cacheSalt: 'test',
    });
    if (Array.isArray(m)) throw new Error('one method expected');
    await m.step(run, run.data.train.slice(0, 3));
    run.step = 2;
    await m.step(run, run.data.train.slice(3, 6));
    expect(optimizer.calls[0]?.request.messages[1]?.content).not.toContain('<PAST_FEEDBACK>');
    expect(optimizer.calls[1]?.request.messages[1]?.content).toContain('<PAST_FEEDBACK>');
    // restore carries the memory
    const s = m.state();
    m.restore(JSON.parse(JSON.stringify(s)));
    expect(m.state()).toEqual(s);
  });

  it('rejects an unknown config field by name', () => {
    expect(() => textgradFactory.resolveConfig({ batchsize: 3 })).toThrow(/unknown field "batchsize"/);
    expect(() => textgradFactory.resolveConfig({ stepsPerEpoch: 0 })).toThrow(
      /"stepsPerEpoch": .*greater than or equal to 1/,
    );
  });
});

describe('textgrad backward semantics', () => {
  it('chains through LLM calls and stops at plain functions', async () => {
    const engine = ScriptedModel.fn(() => 'feedback', { id: 'scripted:engine' });
    const model = ScriptedModel.fn(() => 'x', { id: 'scripted:m' });
    const pA = param('A instr', { name: 'a', description: 'first instruction' });
    const pB = param('B instr', { name: 'b', description: 'second instruction' });
    const pC = param('C instr', { name: 'c', description: 'third instruction' });
    const a = generator<{ q: string }>({ name: 'A', model, system: [pA], user: ({ q }) => q });
    const b = generator<{ x: string }>({ name: 'B', model, system: [pB], user: ({ x }) => x });
    const c = generator<{ x: string }>({ name: 'C', model, system: [pC], user: ({ x }) => x });
    const upper = fn('upper', (s: string) => s.toUpperCase());
    const metric = () => 0;
    // sample 1: A -> B -> loss (chain through an LLM call); sample 2: A -> fn -> C -> loss (stopped)
    const l1 = await runSample('s1', 'train', async () =>
      loss(await b({ x: await a({ q: 'q1' }) }), 'y', metric),
    );
    const l2 = await runSample('s2', 'train', async () =>
      loss(await c({ x: await upper(await a({ q: 'q2' })) }), 'y', metric),
    );
    const { sum } = await import('@llm-autodiff/core');
    const report = await textgradBackward(sum([l1, l2]), { engine });
    // s1: loss 1 + B (pB and A's output) 2 + A (pA) 1 = 4; s2: loss 1 + C (pC) 1 = 2; the fn stops it.
    expect(report.calls).toBe(6);
    expect(engine.calls).toHaveLength(6);
    expect(pA.gradients.map((g) => g.sampleId)).toEqual(['s1']);
    expect(pB.gradients).toHaveLength(1);
    expect(pC.gradients).toHaveLength(1);
  });
});
