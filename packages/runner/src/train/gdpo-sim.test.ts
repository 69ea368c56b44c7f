/**
 * GDPO in the simulated world (ObjectCount, small validation/test subsets so the suite stays fast).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gateTotals, type TrainResult } from '@llm-autodiff/trainer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backwardTokens, KILL_TEST_CONFIG, KILL_TEST_SIZES, simObjectCountRun } from '../../testing';
import { HAS_DATA, needsData } from '../../testing/data';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../..');

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gdpo-sim-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!HAS_DATA)(needsData('GDPO on the simulated ObjectCount'), () => {
  it('a short run raises the validation score', async () => {
    const { result, ledger } = await simObjectCountRun({ config: { steps: 3 } });
    expect(result.partial).toBe(false);
    expect(result.final.val).toBeGreaterThan(result.initial?.val ?? Number.NaN);
    const gates = gateTotals(result.steps);
    expect(gates?.validationPassed).toBeGreaterThan(0);
    const roles = ledger.byRole();
    expect(roles.optimizer?.calls).toBe(gates?.tried);
    expect(roles.optimizer?.cacheHits ?? 0).toBe(0);
    expect(result.usage.backward?.calls).toBe(roles.backward?.calls);
  });

  it('with every gate on, spends fewer backward tokens than computing gradients for all samples', async () => {
    const config = { steps: 3 };
    const gated = await simObjectCountRun({ config, seed: 2025 });
    const all = await simObjectCountRun({
      config: { ...config, ablations: { noSelectiveGradients: true } },
      seed: 2025,
    });
    expect(backwardTokens(gated.ledger)).toBeGreaterThan(0);
    expect(backwardTokens(gated.ledger)).toBeLessThan(backwardTokens(all.ledger));
  });

  it('a run killed after its 2nd checkpoint resumes to the same prompts and scores as an uninterrupted one', async () => {
    const child = join(here, '..', '..', 'testing', 'train-child.ts');
    const run = (args: string[]): ChildProcess =>
      spawn(process.execPath, ['--import', 'tsx', child, ...args], {
        cwd: repoRoot,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    const exit = (p: ChildProcess): Promise<number | null> =>
      new Promise((ok) => p.on('exit', (code) => ok(code)));

    const ckpt = join(dir, 'killed.ckpt.json');
    const cache = join(dir, 'cache.sqlite');
    const killed = run([ckpt, cache, join(dir, 'killed.json')]);
    let stderr = '';
    killed.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    // Kill as soon as the checkpoint of step 2 is on disk.
    const killedAt = await new Promise<number>((ok, fail) => {
      const timer = setInterval(() => {
        try {
          if (!existsSync(ckpt)) return;
          const step = (JSON.parse(readFileSync(ckpt, 'utf8')) as { step: number }).step;
          if (step >= 2) {
            clearInterval(timer);
            killed.kill('SIGKILL');
            ok(step);
          }
        } catch {
          // A checkpoint is replaced by rename, never half-written; a read racing the rename just retries.
        }
      }, 5);
      killed.on('exit', () => {
        clearInterval(timer);
        fail(new Error(`the child finished before it could be killed: ${stderr}`));
      });
    });
    expect(killedAt).toBeLessThan(KILL_TEST_CONFIG.steps ?? 0);
    await exit(killed).catch(() => null);
    expect(existsSync(join(dir, 'killed.json'))).toBe(false);

    const resumedOut = join(dir, 'resumed.json');
    const resumed = run([ckpt, cache, resumedOut, 'resume']);
    expect(await exit(resumed)).toBe(0);

    const straight = await simObjectCountRun({ config: KILL_TEST_CONFIG, sizes: KILL_TEST_SIZES });
    const r = JSON.parse(readFileSync(resumedOut, 'utf8')) as {
      result: TrainResult;
      byRole: Record<string, { calls: number }>;
    };
    expect(r.result.values).toEqual(straight.result.values);
    expect(r.result.initial).toEqual(straight.result.initial);
    expect(r.result.final).toEqual(straight.result.final);
    const summary = (x: TrainResult) =>
      x.steps.map((s) => [s.step, s.phase, s.accepted, s.valScore, s.subset]);
    expect(summary(r.result)).toEqual(summary(straight.result));
    // The resumed process redid no finished step: its optimizer calls are those of the steps after the kill.
    const after = r.result.steps.filter((x) => x.step > killedAt).reduce((n, x) => n + x.tried, 0);
    expect(r.byRole.optimizer?.calls ?? 0).toBe(after);
  });
});
