import type { Method } from '@llm-autodiff/trainer';
import { describe, expect, it } from 'vitest';
import { TestRun, toyData, toyOptimizerModel, toyProgram, toyTaskModel } from '../../testing/toy';
import { bfsrsFactory, bootstrapFactory } from './bootstrap';
import { miproFactory } from './mipro';

function world(opts: { demos?: boolean } = { demos: true }) {
  const task = toyTaskModel();
  const optimizer = toyOptimizerModel(() => 'careful');
  const program = toyProgram(task, opts);
  const run = new TestRun({
    program,
    data: { train: toyData(0, 9), val: toyData(100, 10), test: [] },
    models: { optimizer },
  });
  const valCalls = () =>
    task.calls.filter(
      (c) => Number(/Question (\d+)/.exec(c.request.messages.at(-1)?.content ?? '')?.[1]) >= 100,
    ).length;
  return { task, optimizer, program, run, valCalls };
}

function one(m: Method | Method[]): Method {
  if (Array.isArray(m)) throw new Error('one method expected');
  return m;
}

describe('bootstrap', () => {
  it('teacher traces on success, labeled fill-up, one validation', async () => {
    const { task, program, run, valCalls } = world();
    run.bestVal = 0.5;
    const m = one(
      bootstrapFactory.create({
        config: bootstrapFactory.resolveConfig({}),
        program,
        models: {},
        cacheSalt: 'test',
      }),
    );
    expect(m.steps()).toBe(1);
    const out = await m.step(run, []);
    const demos = program.demos?.value as Array<{ input: string; output: string; sampleId: string }>;
    // q0..q3 succeed first (window of 4): 4 bootstrapped; the 5 others are the labeled pool (< 16).
    expect(demos.slice(0, 4).map((d) => d.sampleId)).toEqual(['q0', 'q1', 'q2', 'q3']);
    expect(demos).toHaveLength(9);
    const labeled = demos.slice(4);
    expect(labeled.every((d) => d.output === `A${d.sampleId.slice(1)}`)).toBe(true);
    // 4 teacher runs + 5 student runs to render the labeled inputs + 10 validation
    expect(task.calls).toHaveLength(4 + 5 + 10);
    expect(valCalls()).toBe(10);
    expect(out.bestVal).toBe(1);
  });

  it('says in one line that a pipeline without a demos slot cannot be tuned', () => {
    const { program } = world({ demos: false });
    expect(() =>
      bootstrapFactory.create({
        config: bootstrapFactory.resolveConfig({}),
        program,
        models: {},
        cacheSalt: 'test',
      }),
    ).toThrow(/no trainable demos slot/);
  });
});

describe('bfsrs', () => {
  it('evaluations = candidates x |val|; the best candidate stays', async () => {
    const { program, run, valCalls } = world();
    run.bestVal = 0.5;
    const m = one(
      bfsrsFactory.create({
        config: bfsrsFactory.resolveConfig({ numCandidatePrograms: 2 }),
        program,
        models: {},
        cacheSalt: 'test',
      }),
    );
    expect(m.steps()).toBe(5);
    const seeds: unknown[] = [];
    for (let step = 1; step <= m.steps(); step++) {
      run.step = step;
      const out = await m.step(run, []);
      seeds.push(out.details?.seed);
      run.bestVal = out.bestVal;
    }
    expect(seeds).toEqual([-3, -2, -1, 0, 1]);
    expect(valCalls()).toBe(5 * 10);
    expect(run.bestVal).toBe(1);
    expect((program.demos?.value as unknown[] | undefined)?.length).toBeGreaterThan(0);
  });
});

describe('mipro', () => {
  it('proposal step then trials on minibatches with periodic full evaluation', async () => {
    const { optimizer, program, run, valCalls } = world();
    run.bestVal = 0.5;
    const m = one(
      miproFactory.create({
        config: miproFactory.resolveConfig({
          minibatchAboveVal: 0,
          numCandidates: 5,
          numTrials: 4,
          minibatchSize: 5,
          minibatchFullEvalSteps: 2,
        }),
        program,
        models: { optimizer },
        cacheSalt: 'test',
      }),
    );
    expect(m.steps()).toBe(5);
    await m.step(run, []);
    // 1 observation batch + summary + program + 1 module + (⌊5/2⌋ − 1) proposals
    expect(optimizer.calls).toHaveLength(5);
    const st = m.state() as { instructions: Record<string, string[]>; demoSets: Record<string, unknown[]> };
    expect(st.instructions.instruction).toEqual(['Answer the question.', 'Answer the question. careful']);
    expect(st.demoSets.demos).toHaveLength(5);
    const before = valCalls();
    const full: number[] = [];
    for (let step = 2; step <= 5; step++) {
      run.step = step;
      const v0 = valCalls();
      const out = await m.step(run, []);
      full.push(valCalls() - v0);
      run.bestVal = out.bestVal;
    }
    // 5 per trial; trials 2 and 4 (t = 1, 3) add a full evaluation (<= 10, early stopped when it cannot win)
    expect(full[0]).toBe(5);
    expect(full[2]).toBe(5);
    expect(full[1]).toBeGreaterThan(5);
    expect(valCalls() - before).toBe(full.reduce((a, b) => a + b, 0));
    expect(run.bestVal).toBeGreaterThanOrEqual(0.5);
  });

  it('a validation set of at most 50 examples: every trial is a full evaluation, repeats cost nothing', async () => {
    const { optimizer, program, run, valCalls } = world();
    run.bestVal = 0.5;
    const m = one(
      miproFactory.create({
        config: miproFactory.resolveConfig({ numCandidates: 2, numTrials: 6 }),
        program,
        models: { optimizer },
        cacheSalt: 'test',
      }),
    );
    // trials: int(max(2 * 2 * log2 2, 1.5 * 2)) = 4 by default; 6 given
    expect(m.steps()).toBe(7);
    await m.step(run, []);
    const seen = new Set<string>();
    for (let step = 2; step <= 7; step++) {
      run.step = step;
      const v0 = valCalls();
      const out = await m.step(run, []);
      const key = String(out.details?.choice);
      expect(valCalls() - v0).toBe(seen.has(key) ? 0 : 10);
      seen.add(key);
      run.bestVal = out.bestVal;
    }
    // N = 2 demo sets: zero-shot and labeled-only (4 labeled demos: skill 5 + 4)
    expect(run.bestVal).toBe(0.9);
  });
});
