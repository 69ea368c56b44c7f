import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BudgetExceededError, managedModel, runCacheSalt, UsageLedger } from '@llm-autodiff/llm';
import {
  gatesOf,
  gateTotals,
  readCheckpoint,
  type TrainOptions,
  type TrainResult,
  train,
} from '@llm-autodiff/trainer';
import { toyBackwardModel, toyData, toyProgram, toyTaskModel } from '@llm-autodiff/trainer/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toyOptimizerModel } from '../testing/toy-optimizer';
import type { GdpoConfigInput } from './config';
import { gdpoMethod } from './gdpo-method';

/** A GDPO run through the trainer seam. */
function trainGdpo<E>(
  opts: Omit<TrainOptions<E>, 'method' | 'methodConfig'> & { config?: GdpoConfigInput },
): Promise<TrainResult> {
  const { config, ...rest } = opts;
  return train({ ...rest, method: gdpoMethod, methodConfig: config });
}

const data = { train: toyData(0, 40), val: toyData(40, 20), test: toyData(60, 20) };

function setup(optimizer = toyOptimizerModel()) {
  const ledger = new UsageLedger();
  const task = managedModel(toyTaskModel(), { ledger, limits: false });
  const program = toyProgram(task);
  return {
    program,
    ledger,
    optimizer,
    models: {
      optimizer: managedModel(optimizer, { ledger, limits: false }),
      backward: managedModel(toyBackwardModel(), { ledger, limits: false }),
    },
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gdpo-trainer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('gdpo through the trainer, on the scripted double', () => {
  it('rejects the degrading proposal at the mini-batch gate and accepts an improving one', async () => {
    const s = setup();
    const r = await trainGdpo({
      program: s.program,
      data,
      models: s.models,
      config: { steps: 3 },
      usage: s.ledger,
    });
    expect(r.initial?.val).toBe(0.5);
    expect(r.final.val).toBeGreaterThan(r.initial?.val ?? Number.NaN);
    expect(r.values.instruction).not.toContain('sloppy');
    expect(s.program.instruction.value).toBe(r.values.instruction);
    for (const step of r.steps.filter((x) => x.phase === 'text')) {
      const first = step.attempts[0];
      expect(first?.values.instruction).toContain('sloppy');
      expect(first?.accepted).toBe(false);
      // Rejected on the subset: never reached the validation set.
      expect(first?.miniBatchScore).toBeLessThanOrEqual(step.subsetScore ?? 0);
      expect(first?.valScore).toBeUndefined();
    }
    let best = r.initial?.val ?? Number.NaN;
    for (const a of r.steps.flatMap((x) => x.attempts)) {
      if (a.accepted) {
        expect(a.valScore).toBeGreaterThan(best);
        best = a.valScore ?? best;
      }
    }
    expect(best).toBe(r.final.val);
    expect(gateTotals(r.steps)?.miniBatchFailed).toBeGreaterThanOrEqual(3);
    // Per-role accounting from the ledger.
    expect(r.usage.optimizer?.calls).toBe(s.optimizer.calls.length);
    expect(r.usage.backward?.calls).toBeGreaterThan(0);
    expect(
      s.optimizer.calls.every(
        (c) =>
          c.context?.role === 'optimizer' &&
          c.context?.cacheSalt?.startsWith(`${runCacheSalt({ seed: r.trainer.seed })}|step=`) === true,
      ),
    ).toBe(true);
    expect(s.optimizer.calls[0]?.context?.labels).toEqual({ step: 1 });
    expect(s.ledger.byLabel('step')['1']?.calls).toBeGreaterThan(0);
  });

  it('the validation gate rejects what the mini-batch gate would have caught when that gate is off', async () => {
    const s = setup();
    const r = await trainGdpo({
      program: s.program,
      data,
      models: s.models,
      config: { steps: 1, ablations: { noMiniBatchGate: true } },
    });
    const first = r.steps[1]?.attempts[0];
    expect(first?.values.instruction).toContain('sloppy');
    expect(first?.miniBatchScore).toBeUndefined();
    expect(first?.accepted).toBe(false);
    // Early stop: the validation run stopped issuing calls once 0.5 could not be beaten.
    expect(first?.valComplete).toBe(false);
    expect(first?.valEvaluated).toBeLessThan(data.val.length);
    expect(gatesOf(r.steps[1] ?? {})?.validationFailed).toBeGreaterThanOrEqual(1);
  });

  it('keeps the old value on an unparseable answer and counts the failure', async () => {
    const s = setup(toyOptimizerModel(() => 'I am not sure what to change.'));
    const r = await trainGdpo({
      program: s.program,
      data,
      models: s.models,
      config: { steps: 1, proposalsPerStep: 2 },
    });
    expect(r.values.instruction).toBe('Answer the question.');
    // Evaluated like any proposal (as the reference): the subset's own score fails the strict gate.
    // GDPO's gate counts are its step details; the generic record says how many proposals were tried.
    expect(r.steps[1]?.tried).toBe(2);
    expect(r.steps[1]?.summary).toBe('mini-batch 0/2, validation 0/0');
    expect(gatesOf(r.steps[1] ?? {})).toMatchObject({
      tried: 2,
      parseFailures: 2,
      unchanged: 2,
      miniBatchPassed: 0,
      miniBatchFailed: 2,
    });
    expect(r.final.val).toBe(r.initial?.val);
  });

  it('evaluates an unchanged proposal and shows it to the next proposal as failed (as the reference)', async () => {
    const same =
      '<REASONING>it is fine</REASONING>\n<METHOD>keep</METHOD>\n<PROPOSED_VALUE>Answer the question.</PROPOSED_VALUE>';
    const optimizer = toyOptimizerModel((_req, index) => (index === 0 ? same : undefined));
    const s = setup(optimizer);
    const r = await trainGdpo({
      program: s.program,
      data,
      models: s.models,
      config: { steps: 1, proposalsPerStep: 2 },
    });
    const step = r.steps[1];
    expect(gatesOf(step ?? {})).toMatchObject({ tried: 2, unchanged: 1, parseFailures: 0 });
    expect(step?.attempts[0]?.values.instruction).toBe('Answer the question.');
    expect(step?.attempts[0]?.miniBatchScore).toBe(step?.subsetScore);
    expect(step?.attempts[0]?.accepted).toBe(false);
    const prompts = optimizer.calls.map((c) => c.request.messages[1]?.content ?? '');
    expect(prompts[0]).not.toContain('<FAILED_PROPOSALS>');
    expect(prompts[1]).toContain('<FAILED_PROPOSALS>');
    expect(prompts[1]).toContain('<METHOD>keep</METHOD>');
  });

  it('shows the failed proposals of the step to the next proposal, and clears them at the next step', async () => {
    const s = setup();
    await trainGdpo({
      program: s.program,
      data,
      models: s.models,
      config: { steps: 2, proposalsPerStep: 2 },
    });
    const prompts = s.optimizer.calls.map((c) => c.request.messages[1]?.content ?? '');
    expect(prompts[0]).not.toContain('<FAILED_PROPOSALS>');
    expect(prompts[1]).toContain('<FAILED_PROPOSALS>');
    expect(prompts[1]).toContain('Answer the question. sloppy');
    expect(prompts[2]).not.toContain('<FAILED_PROPOSALS>');
  });

  it('stops cleanly on a budget error and resumes to the same result as an uninterrupted run', async () => {
    const config: GdpoConfigInput = { steps: 4 };
    const full = setup();
    const straight = await trainGdpo({
      program: full.program,
      data,
      models: full.models,
      config,
      checkpointPath: join(dir, 'a.json'),
    });

    const path = join(dir, 'b.json');
    let optimizerCalls = 0;
    const limited = setup();
    const guarded = {
      id: limited.models.optimizer.id,
      complete: async (...args: Parameters<typeof limited.models.optimizer.complete>) => {
        if (++optimizerCalls > 5) throw new BudgetExceededError('role:optimizer', 'calls', 5, 5);
        return limited.models.optimizer.complete(...args);
      },
    };
    const partial = await trainGdpo({
      program: limited.program,
      data,
      models: { ...limited.models, optimizer: guarded },
      config,
      checkpointPath: path,
    });
    expect(partial.partial).toBe(true);
    expect(partial.final.test).toBeUndefined();
    const ckpt = await readCheckpoint(path);
    expect(ckpt.stopped).toMatch(/budget/);
    expect(ckpt.step).toBeLessThan(4);
    expect(partial.values.instruction).not.toContain('sloppy');

    const fresh = setup();
    const resumed = await trainGdpo({
      program: fresh.program,
      data,
      models: fresh.models,
      config,
      checkpointPath: path,
      resume: true,
    });
    expect(resumed.partial).toBe(false);
    expect(resumed.values).toEqual(straight.values);
    expect(resumed.final).toEqual(straight.final);
    expect(resumed.initial).toEqual(straight.initial);
    expect(resumed.steps.map((x) => [x.step, x.accepted, x.valScore])).toEqual(
      straight.steps.map((x) => [x.step, x.accepted, x.valScore]),
    );
  });

  it('refuses a resume with another config or without a checkpoint', async () => {
    const s = setup();
    const path = join(dir, 'c.json');
    await trainGdpo({
      program: s.program,
      data,
      models: s.models,
      config: { steps: 1 },
      checkpointPath: path,
    });
    await expect(
      trainGdpo({
        program: setup().program,
        data,
        models: s.models,
        config: { steps: 2 },
        checkpointPath: path,
        resume: true,
      }),
    ).rejects.toThrow(/config field "steps"/);
    await expect(
      trainGdpo({
        program: setup().program,
        data,
        models: s.models,
        checkpointPath: join(dir, 'none.json'),
        resume: true,
      }),
    ).rejects.toThrow(/no checkpoint/);
  });

  it('spends no backward call without backward, and none for correct samples unless computing for all', async () => {
    const none = setup();
    const r0 = await trainGdpo({
      program: none.program,
      data,
      models: none.models,
      config: { steps: 2, ablations: { noBackward: true } },
      usage: none.ledger,
    });
    expect(r0.usage.backward).toBeUndefined();
    expect(none.optimizer.calls[0]?.request.messages[1]?.content).not.toContain('<GRADIENTS>');

    const gated = setup();
    const r1 = await trainGdpo({
      program: gated.program,
      data,
      models: gated.models,
      config: { steps: 2 },
      usage: gated.ledger,
    });
    const all = setup();
    const r2 = await trainGdpo({
      program: all.program,
      data,
      models: all.models,
      config: { steps: 2, ablations: { noSelectiveGradients: true } },
      usage: all.ledger,
    });
    expect(r2.usage.backward?.calls ?? 0).toBeGreaterThan(r1.usage.backward?.calls ?? 0);
  });

  it('OPRO-with-data shows inputs, outputs and scores but no feedback text, with no backward-engine call', async () => {
    const s = setup();
    const r = await trainGdpo({
      program: s.program,
      data,
      models: s.models,
      config: { steps: 1, ablations: { noFeedbackText: true } },
      usage: s.ledger,
    });
    expect(r.usage.backward).toBeUndefined();
    // The step record tells the truth too: no backward-engine call was made.
    for (const step of r.steps.filter((x) => x.phase === 'text')) expect(step.backward?.calls).toBe(0);
    const prompt = s.optimizer.calls[0]?.request.messages[1]?.content ?? '';
    expect(prompt).toContain('<INPUT_OUTPUT>');
    expect(prompt).toContain('<SCORE>');
    expect(prompt).not.toContain('Be more careful');
  });

  it('random strategy: backward on the whole batch, no moving batch', async () => {
    const s = setup();
    const r = await trainGdpo({
      program: s.program,
      data,
      models: s.models,
      config: { steps: 2, strategy: 'random' },
    });
    for (const step of r.steps.filter((x) => x.phase === 'text')) expect(step.subset).toEqual(step.batch);
    expect(r.methodConfig).toMatchObject({ strategy: 'random' });
    expect(r.method).toBe('gdpo');
  });

  it('stops cleanly when the backward engine hits the budget', async () => {
    const s = setup();
    const broke = {
      id: 'scripted:broke',
      complete: async () => {
        throw new BudgetExceededError('role:backward', 'calls', 0, 0);
      },
    };
    const path = join(dir, 'budget.json');
    const r = await trainGdpo({
      program: s.program,
      data,
      models: { ...s.models, backward: broke },
      config: { steps: 2 },
      checkpointPath: path,
    });
    expect(r.partial).toBe(true);
    expect(r.stopReason).toMatch(/budget/);
    expect(s.optimizer.calls).toHaveLength(0);
    expect((await readCheckpoint(path)).step).toBe(0);
  });

  it('rejects unknown config fields by name', async () => {
    const s = setup();
    await expect(
      trainGdpo({ program: s.program, data, models: s.models, config: { stepz: 3 } as GdpoConfigInput }),
    ).rejects.toThrow(/unknown field "stepz"/);
  });
});
