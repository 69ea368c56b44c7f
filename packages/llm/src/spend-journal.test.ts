import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Budget } from './budget';
import { budgetSpend, SpendJournal, SpendJournalError, totalSpent } from './spend-journal';

const usage = (p: number, c: number) => ({
  promptTokens: p,
  completionTokens: c,
  cachedTokens: 0,
  estimated: false,
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'spend-journal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SpendJournal', () => {
  it('counts billed calls, failed attempts and cache hits apart, per role, and reads them back', () => {
    const path = join(dir, 'j.jsonl');
    const budget = new Budget({ prices: { m: { input: 1, output: 2 } } });
    const journal = new SpendJournal({ path });
    budget.observe(journal);
    const a = budget.admit('task', 'm');
    budget.commit(a, usage(10, 5));
    const b = budget.admit('optimizer', 'm');
    budget.cancel(b);
    budget.chargeFailedAttempts('optimizer', 'm', 2, usage(30, 0));
    budget.cacheHit('task', 'm');
    journal.close();
    const back = new SpendJournal({ path, append: true }).spent();
    expect(back.task).toMatchObject({ calls: 1, cacheHits: 1, promptTokens: 10, completionTokens: 5 });
    expect(back.task?.usd).toBeCloseTo(20e-6);
    expect(back.optimizer).toMatchObject({ calls: 0, failedAttempts: 2, promptTokens: 30, interrupted: 0 });
    expect(budgetSpend(totalSpent(back))).toMatchObject({ calls: 3, tokens: 45 });
  });

  it('a call sent and never settled (a kill) counts as one interrupted call; a cut last line is ignored', () => {
    const path = join(dir, 'j.jsonl');
    const journal = new SpendJournal({ path });
    journal.sent(1, 'task', 'm');
    journal.sent(2, 'task', 'm');
    journal.billed(1, usage(3, 4), 0);
    journal.close(); // call 2 is still in flight: the process "died"
    appendFileSync(path, '{"k":"sent","id":3,"r":"ta');
    const resumed = new SpendJournal({ path, append: true });
    expect(resumed.spent().task).toMatchObject({ calls: 1, interrupted: 1 });
    // The next session's ids start again at 1 without mixing with the earlier session's.
    resumed.sent(1, 'task', 'm');
    resumed.billed(1, usage(1, 1), 0);
    resumed.close();
    expect(new SpendJournal({ path, append: true }).spent().task).toMatchObject({ calls: 2, interrupted: 1 });
  });

  it('a fresh journal starts empty; a damaged line in the middle is one error naming the file and line', () => {
    const path = join(dir, 'j.jsonl');
    writeFileSync(path, '{"k":"open","s":1}\nnot json\n{"k":"hit","r":"task","m":"m"}\n');
    expect(() => new SpendJournal({ path, append: true })).toThrow(SpendJournalError);
    expect(() => new SpendJournal({ path, append: true })).toThrow(
      `spend journal ${path}: line 2 is not JSON`,
    );
    const fresh = new SpendJournal({ path });
    fresh.close();
    expect(readFileSync(path, 'utf8')).toBe('{"k":"open","s":1}\n');
  });

  it('what was written survives a SIGKILL of the writing process', async () => {
    const path = join(dir, 'j.jsonl');
    const source = `
      const { SpendJournal } = await import(${JSON.stringify(new URL('./spend-journal.ts', import.meta.url).href)});
      const j = new SpendJournal({ path: ${JSON.stringify(path)}, syncMs: 60000 });
      for (let i = 1; i <= 500; i++) { j.sent(i, 'task', 'm'); j.billed(i, { promptTokens: 1, completionTokens: 1, cachedTokens: 0 }, 0); }
      j.sent(501, 'task', 'm');
      process.stdout.write('ready');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((ok, fail) => {
      child.stdout.on('data', () => {
        child.kill('SIGKILL');
        ok();
      });
      child.on('error', fail);
    });
    await new Promise((ok) => child.on('close', ok));
    expect(new SpendJournal({ path, append: true }).spent().task).toMatchObject({
      calls: 500,
      interrupted: 1,
      promptTokens: 500,
    });
  }, 60_000);
});
