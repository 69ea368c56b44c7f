/**
 * The trainer owns rollback: a step stopped half-way (here after it both set a value directly and left a
 * proposal pending) leaves the program at the last checkpoint's values, with no proposal pending,
 * although the method wrote no undo of its own.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Demo, Parameter } from '@llm-autodiff/core';
import { BudgetExceededError, CallsStoppedError } from '@llm-autodiff/llm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedMethod, toyData, toyProgram, toyTaskModel } from '../testing';
import { readCheckpoint } from './checkpoint';
import type { Method, StepOutcome } from './method';
import { train } from './train';

/** Step 1 commits `v1` (and one demo); step 2 edits both in place and by proposal, then meets a stop. */
class Scribble<E> implements Method<E, null> {
  readonly name = 'scribble';
  readonly batchSize = 0;
  constructor(
    private readonly instruction: Parameter<string>,
    private readonly demos: Parameter<Demo[]>,
    private readonly stop: () => Error,
  ) {}
  steps(): number {
    return 3;
  }
  async step(run: { step: number; bestVal: number }): Promise<StepOutcome> {
    if (run.step === 1) {
      this.instruction.value = 'v1';
      this.demos.value = [{ input: 'q1', output: 'a1' }];
    } else {
      this.instruction.value = 'applied, never committed';
      this.instruction.propose('proposed, never committed');
      // In place: the checkpoint's copy must not see it.
      this.demos.value.push({ input: 'q2', output: 'a2' });
      throw this.stop();
    }
    return {
      phase: 'scribble',
      batch: [],
      tried: 0,
      attempts: [],
      accepted: true,
      bestVal: run.bestVal,
    };
  }
  state(): null {
    return null;
  }
  restore(): void {}
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trainer-rollback-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const stops: Array<[string, () => Error]> = [
  ['a signal', () => new CallsStoppedError('toy', 'SIGTERM')],
  ['a spent budget', () => new BudgetExceededError('total', 'calls', 1, 1)],
];

describe('a stopped step', () => {
  it.each(stops)('stopped by %s, leaves the last committed values on the program', async (_, stop) => {
    const program = toyProgram(toyTaskModel(), { demos: true });
    const demos = program.demos as Parameter<Demo[]>;
    const factory = fixedMethod(
      'scribble',
      'edits values and never undoes them',
      () => new Scribble(program.instruction, demos, stop),
      3,
    );
    const path = join(dir, 'ckpt.json');
    const result = await train({
      program,
      data: { train: toyData(0, 4), val: toyData(100, 2), test: toyData(200, 2) },
      method: factory,
      checkpointPath: path,
    });
    expect(result.partial).toBe(true);
    const committed = { instruction: 'v1', demos: [{ input: 'q1', output: 'a1' }] };
    expect(program.instruction.value).toBe('v1');
    expect(program.instruction.proposing).toBe(false);
    expect(demos.value).toEqual(committed.demos);
    expect(result.values).toEqual(committed);
    expect((await readCheckpoint(path)).values).toEqual(committed);
  });
});
