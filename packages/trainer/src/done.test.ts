/**
 * The optional `Method.done()`: a method whose work ends before its upper bound of steps (a budget in
 * metric calls) ends its phase early; `steps()` is read after `init`, so it may depend on the data. The
 * next phase keeps its step numbers, and a resume skips the same steps.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedMethod, toyData, toyProgram, toyTaskModel } from '../testing';
import type { Method, StepOutcome } from './method';
import { train } from './train';

/** Spends one unit per step; its step bound (2 × |train|) is known only after init. */
class Countdown<E> implements Method<E, { left: number; bound: number }> {
  readonly batchSize = 0;
  private s = { left: 0, bound: 0 };
  constructor(
    readonly name: string,
    private readonly units: number,
  ) {}
  init(run: { data: { train: readonly E[] } }): void {
    this.s = { left: this.units, bound: 2 * run.data.train.length };
  }
  steps(): number {
    return this.s.bound;
  }
  done(): boolean {
    return this.s.left <= 0;
  }
  async step(run: { bestVal: number }): Promise<StepOutcome> {
    this.s.left--;
    return {
      phase: this.name,
      batch: [],
      tried: 0,
      attempts: [],
      accepted: false,
      bestVal: run.bestVal,
    };
  }
  state() {
    return { ...this.s };
  }
  restore(s: { left: number; bound: number }): void {
    this.s = { ...s };
  }
}

const factory = fixedMethod(
  'countdown',
  'two phases that end early',
  () => [new Countdown('first', 3), new Countdown('second', 2)],
  5,
);

/** A run of `factory` on the toy world (the one data split every case here uses). */
const run = (
  checkpointPath: string,
  opts: { resume?: boolean; signal?: AbortSignal; log?: (l: string) => void } = {},
) =>
  train({
    program: toyProgram(toyTaskModel()),
    data: { train: toyData(0, 4), val: toyData(100, 2), test: toyData(200, 2) },
    method: factory,
    checkpointPath,
    ...opts,
  });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trainer-done-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Method.done()', () => {
  it('ends a phase early; the next phase keeps its step numbers; a resume skips the same way', async () => {
    const whole = await run(join(dir, 'a.json'));
    const steps = whole.steps.filter((s) => s.phase !== 'init' && s.phase !== 'final');
    // bounds 8 + 8: the first phase runs steps 1-3, the second starts at 9
    expect(steps.map((s) => [s.step, s.phase])).toEqual([
      [1, 'first'],
      [2, 'first'],
      [3, 'first'],
      [9, 'second'],
      [10, 'second'],
    ]);
    expect(whole.steps.at(-1)?.step).toBe(17);

    const path = join(dir, 'b.json');
    const stop = new AbortController();
    const first = await run(path, {
      signal: stop.signal,
      log: (l) => {
        if (l.startsWith('step 2/')) stop.abort('test');
      },
    });
    expect(first.partial).toBe(true);
    const resumed = await run(path, { resume: true });
    expect(resumed.steps.map((s) => [s.step, s.phase])).toEqual(whole.steps.map((s) => [s.step, s.phase]));
  });

  it('a finished run whose phases ended early resumes to its result (issue 21, case 1)', async () => {
    const path = join(dir, 'finished.json');
    const whole = await run(path);
    const again = await run(path, { resume: true });
    expect(again.partial).toBe(false);
    expect(again.final).toEqual(whole.final);
    expect(again.steps.map((s) => s.step)).toEqual(whole.steps.map((s) => s.step));
  });
});
