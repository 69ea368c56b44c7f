/**
 * A run killed before its first checkpoint leaves a spend journal and no checkpoint; started again (there
 * is nothing to resume), it counts the calls its earlier process billed, so a budget still caps the
 * run's real spend. A fresh run over a finished run's checkpoint starts its journal afresh.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { managedModel, SpendJournal, UsageLedger } from '@llm-autodiff/llm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { idleMethod, toyData, toyProgram, toyTaskModel } from '../testing';
import { spendJournalPath, train } from './train';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trainer-orphan-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const usage = { promptTokens: 10, completionTokens: 5, cachedTokens: 0, estimated: false };
const run = (checkpointPath: string, calls?: number) =>
  train({
    // A managed model: its calls go through the run's budget and so into the journal.
    program: toyProgram(managedModel(toyTaskModel(), { ledger: new UsageLedger(), limits: false })),
    data: { train: toyData(0, 4), val: toyData(100, 4), test: toyData(200, 4) },
    method: idleMethod('idle', 1),
    checkpointPath,
    lock: false,
    ...(calls === undefined ? {} : { budget: { total: { calls } } }),
  });

/** What a process killed before its first checkpoint leaves: `billed` answered calls and one in flight. */
function killedProcess(checkpointPath: string, billed: number): void {
  const journal = new SpendJournal({ path: spendJournalPath(checkpointPath) });
  for (let id = 1; id <= billed; id++) {
    journal.sent(id, 'task', 'toy');
    journal.billed(id, usage, 0);
  }
  journal.sent(billed + 1, 'task', 'toy');
  journal.close();
}

describe('a journal without a checkpoint', () => {
  it("is counted by the run started again over it: the budget holds the earlier process's calls", async () => {
    const path = join(dir, 'run.ckpt.json');
    const whole = await run(join(dir, 'whole.ckpt.json'));
    const needed = whole.spent?.task?.calls ?? 0;
    expect(needed).toBeGreaterThan(6);

    killedProcess(path, 5);
    expect(existsSync(path)).toBe(false);
    // 5 billed + 1 in flight are spent already: a budget of `needed` leaves too little to finish.
    const again = await run(path, needed);
    expect(again.partial).toBe(true);
    const task = again.spent?.task;
    expect(task?.interrupted).toBe(1);
    expect((task?.calls ?? 0) + (task?.interrupted ?? 0)).toBeLessThanOrEqual(needed);
    expect(task?.calls).toBeGreaterThanOrEqual(5);
  });

  it('a fresh run over a finished run starts its journal afresh', async () => {
    const path = join(dir, 'run.ckpt.json');
    const first = await run(path);
    const second = await run(path);
    expect(second.spent).toEqual(first.spent);
  });
});
