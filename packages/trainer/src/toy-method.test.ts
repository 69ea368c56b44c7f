/**
 * A whole method in one file, written against the `Method` seam only: each step appends one word drawn
 * with the run's RNG to every trainable prompt, validates, and keeps the edit when it strictly beats the
 * best score. The tests show that checkpoints, budgets, signals and resume come from the trainer, with
 * no trainer change for the new method.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Parameter, trainablePrompts } from '@llm-autodiff/core';
import { managedModel, UsageLedger } from '@llm-autodiff/llm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toyData, toyProgram, toyTaskModel } from '../testing';
import { readCheckpoint } from './checkpoint';
import { onePhase } from './cost-model';
import { beats } from './evaluate';
import { setsField } from './general-flags';
import { defineMethod, type Method, type MethodFactory, type RunContext, type StepOutcome } from './method';
import { MethodRegistry } from './registry';
import type { TrainResult } from './step-records';
import { spendJournalPath, type TrainOptions, train } from './train';

const WORDS = ['careful', 'sloppy', 'quick', 'calm', 'brief', 'slow', 'plain', 'careful'];

interface RandomEditConfig {
  steps: number;
  batchSize: number;
}

interface RandomEditState {
  /** Every edit tried so far, with whether it was kept (later steps skip words that failed). */
  tried: Array<{ word: string; kept: boolean }>;
}

class RandomEditMethod<E> implements Method<E, RandomEditState> {
  readonly name = 'random-edit';
  readonly batchSize: number;
  private tried: RandomEditState['tried'] = [];

  constructor(
    private readonly config: RandomEditConfig,
    private readonly prompts: Parameter<string>[],
  ) {
    this.batchSize = config.batchSize;
  }

  steps(): number {
    return this.config.steps;
  }

  async step(run: RunContext<E>, batch: readonly E[]): Promise<StepOutcome> {
    const failed = new Set(this.tried.filter((t) => !t.kept).map((t) => t.word));
    const candidates = WORDS.filter((w) => !failed.has(w));
    const word = candidates[run.rng.int(candidates.length)] ?? 'calm';
    for (const p of this.prompts) p.propose(`${p.value} ${word}`);
    const v = await run.validate();
    const accepted = v.complete && beats(v.score, run.bestVal);
    for (const p of this.prompts) {
      if (accepted) p.commit();
      else p.revert();
    }
    this.tried.push({ word, kept: accepted });
    return {
      phase: 'edit',
      batch: batch.map((ex) => run.program.sampleId(ex)),
      tried: 1,
      summary: `+${word}`,
      attempts: [{ accepted, values: { word }, valScore: v.score, valComplete: v.complete }],
      accepted,
      bestVal: accepted ? v.score : run.bestVal,
      details: { word },
    };
  }

  state(): RandomEditState {
    return { tried: this.tried.map((t) => ({ ...t })) };
  }

  restore(state: RandomEditState): void {
    this.tried = state.tried.map((t) => ({ ...t }));
  }
}

const randomEdit: MethodFactory<RandomEditConfig> = defineMethod<RandomEditConfig>({
  name: 'random-edit',
  description: 'appends a random word to every trainable prompt; keeps it when validation improves',
  tunes: ['prompt'],
  configSchema: z
    .object({
      steps: z.number().int().min(0).default(8).describe('edits tried'),
      batchSize: z.number().int().min(1).default(2).describe('examples per step'),
    })
    .strict(),
  flags: { steps: setsField('steps'), batch: setsField('batchSize') },
  costModel: {
    phaseOf: onePhase,
    drivers: (c, s) => ({ steps: { task: c.steps * (c.batchSize + s.val) } }),
    steps: (c) => c.steps,
  },
  create: ({ config, program }) => new RandomEditMethod(config, trainablePrompts(program)),
});

const data = { train: toyData(0, 10), val: toyData(40, 20), test: toyData(60, 20) };

function run(opts: {
  budgetCalls?: number;
  resume?: boolean;
  path?: string;
  signal?: AbortSignal;
  log?: (l: string) => void;
  onStepDone?: TrainOptions<unknown>['onStepDone'];
  ledger?: UsageLedger;
}) {
  const ledger = opts.ledger ?? new UsageLedger();
  const program = toyProgram(managedModel(toyTaskModel(), { ledger, limits: false }));
  const registry = new MethodRegistry();
  registry.register(randomEdit);
  return train({
    program,
    data,
    method: 'random-edit',
    registry,
    trainer: { seed: 7 },
    usage: ledger,
    budget: opts.budgetCalls === undefined ? undefined : { total: { calls: opts.budgetCalls } },
    checkpointPath: opts.path,
    resume: opts.resume,
    signal: opts.signal,
    log: opts.log,
    onStepDone: opts.onStepDone,
  });
}

const summary = (r: TrainResult) => r.steps.map((s) => [s.step, s.phase, s.accepted, s.valScore, s.details]);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'toy-method-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a new method through the seam (random edits on the toy world)', () => {
  it('trains: keeps improving edits, records every step and per-example test scores', async () => {
    const lines: string[] = [];
    const r = await run({ path: join(dir, 'a.json'), log: (l) => lines.push(l) });
    // The log line says what every method has, then this method's own summary; no other method's gates.
    const stepLines = lines.filter((l) => /^step \d+\//.test(l));
    expect(stepLines).toHaveLength(8);
    for (const l of stepLines) {
      expect(l).toMatch(
        /^step \d\/8 edit: (accepted|rejected), tried 1; \+\w+; best val \d\.\d{4}; \d+ calls$/,
      );
      expect(l).not.toContain('mini-batch');
    }
    expect(r.method).toBe('random-edit');
    expect(r.partial).toBe(false);
    expect(r.steps.map((s) => s.phase)).toEqual(['init', ...Array(8).fill('edit'), 'final']);
    expect(r.steps.filter((s) => s.phase === 'edit').every((s) => s.method === 'random-edit')).toBe(true);
    expect(r.final.val).toBeGreaterThan(r.initial?.val ?? 1);
    expect(r.values.instruction).toContain('careful');
    expect(r.values.instruction).not.toContain('sloppy');
    expect(Object.keys(r.testScores.initial)).toHaveLength(data.test.length);
    const finalScores = Object.values(r.testScores.final ?? {});
    expect(finalScores.reduce((s, x) => s + x, 0) / finalScores.length).toBeCloseTo(r.final.test ?? -1, 12);
    expect(r.usage.task?.calls).toBeGreaterThan(0);
    const ckpt = await readCheckpoint(join(dir, 'a.json'));
    expect(ckpt.method.name).toBe('random-edit');
    expect(ckpt.method.state).toHaveLength(1);
  });

  it('calls onStepDone once per method step, after its checkpoint, with its record and the step count', async () => {
    const path = join(dir, 'hook.json');
    const seen: Array<[number, string, number, number]> = [];
    const checkpointed: number[] = [];
    const r = await run({
      path,
      onStepDone: (record, { totalSteps }) => {
        seen.push([record.step, record.phase, record.valScore, totalSteps]);
        // Read synchronously in the hook: the step's checkpoint must already be on disk.
        checkpointed.push((JSON.parse(readFileSync(path, 'utf8')) as { step: number }).step);
      },
    });
    const trained = r.steps.filter((s) => s.phase === 'edit');
    expect(seen).toEqual(trained.map((s) => [s.step, 'edit', s.valScore, 8]));
    expect(checkpointed).toEqual(seen.map(([step]) => step));
  });

  it('stops on a budget with a checkpoint and a partial result, and resumes to the uninterrupted run', async () => {
    const straight = await run({});
    const path = join(dir, 'b.json');
    const stopped = await run({ path, budgetCalls: 90 });
    expect(stopped.partial).toBe(true);
    expect(stopped.stopReason).toMatch(/budget/);
    expect(stopped.final.test).toBeUndefined();
    const ckpt = await readCheckpoint(path);
    expect(ckpt.stopped).toMatch(/budget/);
    expect(ckpt.step).toBeGreaterThanOrEqual(1);
    expect(ckpt.step).toBeLessThan(8);

    const resumed = await run({ path, resume: true });
    expect(resumed.partial).toBe(false);
    expect(resumed.values).toEqual(straight.values);
    expect(resumed.initial).toEqual(straight.initial);
    expect(resumed.final).toEqual(straight.final);
    expect(resumed.testScores).toEqual(straight.testScores);
    expect(summary(resumed)).toEqual(summary(straight));
  });

  it('an aborted signal stops at the next step boundary; the resume ends identical', async () => {
    const straight = await run({});
    const path = join(dir, 'c.json');
    const controller = new AbortController();
    const stopped = await run({
      path,
      signal: controller.signal,
      log: (line) => {
        if (line.startsWith('step 2/')) controller.abort('SIGINT');
      },
    });
    expect(stopped.partial).toBe(true);
    expect(stopped.stopReason).toBe('interrupted: SIGINT');
    expect((await readCheckpoint(path)).step).toBe(2);
    const resumed = await run({ path, resume: true });
    expect(summary(resumed)).toEqual(summary(straight));
    expect(resumed.values).toEqual(straight.values);
  });

  it('refuses to resume a checkpoint with another method or trainer setting, naming it', async () => {
    const path = join(dir, 'd.json');
    await run({ path });
    const other: MethodFactory<RandomEditConfig> = { ...randomEdit, name: 'other-edit' };
    await expect(
      train({
        program: toyProgram(toyTaskModel()),
        data,
        method: other,
        checkpointPath: path,
        resume: true,
      }),
    ).rejects.toThrow(/checkpoint is for method "random-edit", not "other-edit"/);
    await expect(
      train({
        program: toyProgram(toyTaskModel()),
        data,
        method: randomEdit,
        trainer: { seed: 8 },
        checkpointPath: path,
        resume: true,
      }),
    ).rejects.toThrow('trainer setting field "seed" differs from the checkpoint\'s');
  });
});

describe("train()'s budget across a resume", () => {
  const realCalls = (ledger: UsageLedger) => ledger.byRole().task?.calls ?? 0;

  it('stops at the limit; a resume counts everything spent before, calls after the last checkpoint included (issue 21, case 2)', async () => {
    const path = join(dir, 'e.json');
    const first = new UsageLedger();
    const stopped = await run({ path, budgetCalls: 90, ledger: first });
    expect(stopped.partial).toBe(true);
    expect(realCalls(first)).toBe(90);
    const ckpt = await readCheckpoint(path);
    // The finished steps' spend agrees with their step records; the stopped step's calls are beyond it.
    const finishedSteps = ckpt.records.reduce((n, r) => n + (r.usage.task?.calls ?? 0), 0);
    expect(finishedSteps).toBeGreaterThan(40);
    expect(finishedSteps).toBeLessThan(90);
    // ...and the result's truthful spend has all 90, while `usage` is the finished steps'.
    expect(stopped.spent?.task?.calls).toBe(90);
    expect(stopped.usage.task?.calls).toBe(finishedSteps);

    // The same budget again: nothing is left, no call is made.
    const again = new UsageLedger();
    const resumed = await run({ path, budgetCalls: 90, resume: true, ledger: again });
    expect(resumed.partial).toBe(true);
    expect(realCalls(again)).toBe(0);

    // A larger budget: real calls over both processes stay within it.
    const more = new UsageLedger();
    const larger = await run({ path, budgetCalls: 120, resume: true, ledger: more });
    expect(larger.partial).toBe(true);
    expect(realCalls(first) + realCalls(more)).toBe(120);
    expect(larger.spent?.task?.calls).toBe(120);

    const straight = await run({});
    const done = await run({ path, budgetCalls: 1000, resume: true });
    expect(done.partial).toBe(false);
    expect(summary(done)).toEqual(summary(straight));
    // Redone work is spent but not usage: the truthful spend exceeds the uninterrupted run's usage.
    expect(done.usage.task?.calls).toBe(straight.usage.task?.calls);
    expect(done.spent?.task?.calls ?? 0).toBeGreaterThan(straight.usage.task?.calls ?? 0);
  });

  it('a checkpoint without a recorded spend or journal is credited with its step records', async () => {
    const path = join(dir, 'f.json');
    await run({ path, budgetCalls: 90 });
    const { spent: _spent, ...older } = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, JSON.stringify(older));
    await rm(spendJournalPath(path));
    const fromRecords = (await readCheckpoint(path)).records.reduce(
      (n, r) => n + (r.usage.task?.calls ?? 0),
      0,
    );
    const again = new UsageLedger();
    await run({ path, budgetCalls: 90, resume: true, ledger: again });
    expect(realCalls(again)).toBe(90 - fromRecords);
  });

  it('a malformed budget is a TrainerInputError naming the field', async () => {
    await expect(
      train({
        program: toyProgram(toyTaskModel()),
        data,
        method: randomEdit,
        budget: { total: { calls: -1 } },
      }),
    ).rejects.toThrow('trainer: budget: total.calls must be a number >= 0, got -1');
  });
});

describe('method registry', () => {
  it('an unknown name is an error listing the known methods', () => {
    const registry = new MethodRegistry();
    registry.register(randomEdit);
    expect(() => registry.get('textgrad')).toThrow('unknown method "textgrad"; known methods: random-edit');
    expect(() => registry.register(randomEdit)).toThrow(/already registered/);
  });

  it('refuses a method that tunes nothing the program has', async () => {
    const demosOnly: MethodFactory<RandomEditConfig> = {
      ...randomEdit,
      name: 'demos-only',
      tunes: ['demos'],
    };
    await expect(train({ program: toyProgram(toyTaskModel()), data, method: demosOnly })).rejects.toThrow(
      'method "demos-only" tunes demos parameters; toy has no trainable one',
    );
  });
});
