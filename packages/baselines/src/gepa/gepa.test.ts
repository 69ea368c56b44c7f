import { Rng } from '@llm-autodiff/trainer';
import { describe, expect, it } from 'vitest';
import { TestRun, toyData, toyOptimizerModel, toyProgram, toyTaskModel } from '../../testing/toy';
import { planMerge } from './merge';
import { gepaFactory } from './method';
import { type Candidate, fronts, nonDominated, selectParent } from './pool';

async function setup(edit: string, config: Record<string, unknown> = {}) {
  const task = toyTaskModel();
  const optimizer = toyOptimizerModel(() => edit);
  const program = toyProgram(task);
  const run = new TestRun({
    program,
    data: { train: toyData(0, 9), val: toyData(100, 10), test: [] },
    models: { optimizer },
  });
  const m = gepaFactory.create({
    config: gepaFactory.resolveConfig(config),
    program,
    models: run.models,
    cacheSalt: 'test',
  });
  if (Array.isArray(m)) throw new Error('one method expected');
  const val = await run.evaluate(run.data.val);
  run.bestVal = val.score;
  await m.init?.(run, { val });
  task.calls.length = 0;
  return { task, optimizer, program, run, m };
}

describe('gepa', () => {
  it('an accepted iteration costs 2 x minibatch + 1 reflection + |val|', async () => {
    const { task, optimizer, program, run, m } = await setup('careful');
    const batch = run.data.train.slice(5, 8); // all wrong at the start
    const out = await m.step(run, batch);
    expect(task.calls).toHaveLength(3 + 3 + 10);
    expect(optimizer.calls).toHaveLength(1);
    expect(out.accepted).toBe(true);
    expect(out.bestVal).toBeCloseTo(0.7);
    expect(program.instruction.value).toBe('Answer the question. careful');
    expect((m.state() as { metricCalls: number }).metricCalls).toBe(10 + 16);
    // the reflection saw the (input, output, score) of each minibatch example and no feedback text
    const req = optimizer.calls[0]?.request.messages[1]?.content ?? '';
    expect(req.split('<ENTRY>').length - 1).toBe(3);
    expect(req).not.toContain('<FEEDBACK>');
  });

  it('a degrading child fails the minibatch gate: 2 x minibatch + 1 reflection, no validation', async () => {
    const { task, optimizer, program, run, m } = await setup('sloppy');
    const out = await m.step(run, run.data.train.slice(5, 8));
    expect(task.calls).toHaveLength(6);
    expect(optimizer.calls).toHaveLength(1);
    expect(out.accepted).toBe(false);
    expect(out.gates.miniBatchFailed).toBe(1);
    expect(program.instruction.value).toBe('Answer the question.');
  });

  it('skips a minibatch where every sample is perfect (no reflection)', async () => {
    const { task, optimizer, run, m } = await setup('careful');
    const out = await m.step(run, run.data.train.slice(0, 3));
    expect(task.calls).toHaveLength(3);
    expect(optimizer.calls).toHaveLength(0);
    expect(out.details?.skipped).toBeDefined();
  });

  it('stops spending once the metric-call budget is used', async () => {
    const { task, run, m } = await setup('careful', { maxMetricCalls: 12 });
    await m.step(run, run.data.train.slice(5, 8)); // 10 (initial) + 16 > 12
    task.calls.length = 0;
    run.step = 2;
    const out = await m.step(run, run.data.train.slice(5, 8));
    expect(out.phase).toBe('done');
    expect(task.calls).toHaveLength(0);
  });
});

function cand(values: Record<string, string>, parents: number[], scores: number[]): Candidate {
  const s = Object.fromEntries(scores.map((x, i) => [`v${i}`, x]));
  return {
    values,
    parents,
    scores: s,
    aggregate: scores.reduce((a, b) => a + b, 0) / scores.length,
    foundAt: 0,
  };
}

describe('gepa pool', () => {
  const pool = [
    cand({ a: 'a0', b: 'b0' }, [], [0, 0, 0, 0]),
    cand({ a: 'a1', b: 'b0' }, [0], [1, 1, 0, 0]),
    cand({ a: 'a0', b: 'b1' }, [0], [0, 0, 1, 1]),
    cand({ a: 'a1', b: 'b0' }, [1], [1, 0, 0, 0]),
  ];
  it('per-instance frontier: dominated candidates are never parents', () => {
    const alive = nonDominated(pool, fronts(pool));
    expect([...alive].sort()).toEqual([1, 2]);
    const rng = new Rng(3);
    const picks = new Set(Array.from({ length: 50 }, () => selectParent(pool, rng)));
    expect([...picks].sort()).toEqual([1, 2]);
  });
  it('merge combines the components each lineage changed', () => {
    const plan = planMerge(pool, new Set(), new Rng(1));
    expect(plan).toMatchObject({ i: 1, j: 2, ancestor: 0, values: { a: 'a1', b: 'b1' } });
    expect(planMerge(pool, new Set(['1,2,0']), new Rng(1))).toBeUndefined();
  });
});

describe('gepa budget', () => {
  it("auto 'light' converts to metric calls as DSPy's auto_budget", async () => {
    const { autoBudget } = await import('./cost-model');
    // 1 predictor, 6 candidates, 100 validation: trials int(max(4·log2 6, 9)) = 10
    // 100 + 30 + 10·35 + (⌊11/5⌋ + 1)·100 = 780
    expect(autoBudget(1, 6, 100)).toBe(780);
  });
});
