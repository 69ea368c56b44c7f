/**
 * Issue 21, case 2 through the command line: a run with `--budget total.calls=N`, SIGKILLed at random
 * moments and resumed with the same budget until it stops, sends at most N requests to the model server
 * in all (the spend journal counts every billed call, those after the last checkpoint and those in
 * flight at a kill included); its results' `spent` tells the truth about them. The sim server over HTTP
 * counts what really arrived. Child processes on a busy machine: generous timeouts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SimServer, startSimServer } from '@llm-autodiff/sim';
import { Rng, type TrainResult } from '@llm-autodiff/trainer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autodiff, autodiffChild } from '../../testing/child-cli';
import { HAS_DATA, needsData } from '../../testing/data';

let dir: string;
let server: SimServer;
const staleBefore = process.env.AUTODIFF_LOCK_STALE_MS;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'autodiff-budget-kills-'));
  process.env.AUTODIFF_LOCK_STALE_MS = '2000';
  if (HAS_DATA) server = await startSimServer({ port: 0 });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
  if (staleBefore === undefined) delete process.env.AUTODIFF_LOCK_STALE_MS;
  else process.env.AUTODIFF_LOCK_STALE_MS = staleBefore;
});

const args = (name: string, budget?: number): string[] => [
  'train',
  ...['--task', 'object-count', '--steps', '6', '--batch', '2', '--proposals', '2'],
  ...['--train', '8', '--val', '8', '--test', '6', '--cache', 'off', '--concurrency', '3'],
  ...['--base-url', server.url, '--task-model', 'openai:sim:task', '--teacher-model', 'openai:sim:task'],
  ...['--backward-model', 'openai:sim:large', '--optimizer-model', 'openai:sim:large'],
  ...['--out', join(dir, `${name}.json`), '--checkpoint', join(dir, `${name}.ckpt.json`)],
  ...(budget === undefined ? [] : ['--budget', `total.calls=${budget}`]),
];

const spentOf = (name: string) => {
  const r = (JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { result: TrainResult }).result;
  const all = Object.values(r.spent ?? {});
  return {
    billed: all.reduce((n, s) => n + s.calls + s.failedAttempts, 0),
    interrupted: all.reduce((n, s) => n + s.interrupted, 0),
  };
};

describe.skipIf(!HAS_DATA)(needsData('a call budget across SIGKILLs and resumes'), () => {
  it('N calls are never exceeded, however often the run is killed and resumed', async () => {
    const before = server.stats.requests;
    const whole = await autodiff([...args('whole'), '--quiet']);
    expect(whole.code, whole.err).toBe(0);
    const full = server.stats.requests - before;
    const cap = Math.floor(full * 0.6);

    const start = server.stats.requests;
    const rng = new Rng(2121);
    const checkpoint = join(dir, 'cut.ckpt.json');
    let kills = 0;
    let last = -1;
    for (let cycle = 0; cycle < 6 && last !== 3; cycle++) {
      // Killed once the server has seen a random number of this child's requests (not after a delay:
      // how far a run gets in a given time depends on the machine's load).
      const target = server.stats.requests + 5 + (rng.nextUint32() % Math.max(1, Math.floor(cap / 3)));
      let poll: NodeJS.Timeout | undefined;
      const resume = existsSync(checkpoint) ? ['--resume'] : [];
      const r = await autodiffChild([...args('cut', cap), ...resume], (_out, kill) => {
        poll ??= setInterval(() => {
          if (server.stats.requests < target) return;
          clearInterval(poll);
          kill('SIGKILL');
        }, 2);
      });
      clearInterval(poll);
      if (r.signal === 'SIGKILL') kills += 1;
      else last = r.code ?? -1;
    }
    if (last !== 3) last = (await autodiff([...args('cut', cap), '--resume', '--quiet'])).code;
    expect(last).toBe(3);
    expect(kills).toBeGreaterThanOrEqual(1);
    const sent = server.stats.requests - start;
    expect(sent).toBeLessThanOrEqual(cap);
    // Truthful: every request that arrived is in the journal, as billed or as in flight at a kill.
    const spent = spentOf('cut');
    expect(spent.billed).toBeLessThanOrEqual(sent);
    expect(spent.billed + spent.interrupted).toBeGreaterThanOrEqual(sent);
    expect(spent.billed + spent.interrupted).toBeLessThanOrEqual(cap);
  }, 300_000);
});
