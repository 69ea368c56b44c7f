import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockCheckpoint } from './checkpoint-lock';
import { TrainerInputError } from './errors';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ckpt-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('lockCheckpoint', () => {
  it('refuses a second run on a checkpoint held by a live run, at once, naming it', async () => {
    const path = join(dir, 'sub', 'run.ckpt.json');
    const release = await lockCheckpoint(path);
    const t0 = Date.now();
    await expect(lockCheckpoint(path)).rejects.toThrow(TrainerInputError);
    await expect(lockCheckpoint(path)).rejects.toThrow(`checkpoint ${path} is in use by another run`);
    expect(Date.now() - t0).toBeLessThan(1000);
    await release();
    expect(existsSync(`${path}.lock`)).toBe(false);
    const again = await lockCheckpoint(path);
    await again();
  });

  it('takes over the lock a killed run left behind once it is stale', async () => {
    const path = join(dir, 'run.ckpt.json');
    mkdirSync(`${path}.lock`);
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${path}.lock`, old, old);
    const release = await lockCheckpoint(path, { staleMs: 2000 });
    expect(existsSync(`${path}.lock`)).toBe(true);
    await release();
  });
});
