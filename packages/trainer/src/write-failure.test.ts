/**
 * Issue 21, case 6: a checkpoint that cannot be written (full disk, a path taken by a folder...) after
 * the run has finished costs nothing but the checkpoint: the result is returned and a warning names the
 * file. One that fails mid-run stops the run with a `FileWriteError` naming the file.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileWriteError } from '@llm-autodiff/llm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { idleMethod, toyData, toyProgram, toyTaskModel } from '../testing';
import { train } from './train';

/** Two steps that change nothing: the test is about the checkpoints around them. */
const factory = idleMethod('idle', 2);

/** Makes `path` unwritable as a file: a folder with something in it takes its name. */
async function blockFile(path: string): Promise<void> {
  await rm(path, { force: true });
  await mkdir(path);
  await writeFile(join(path, 'in-the-way'), '');
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trainer-write-failure-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (
  checkpointPath: string,
  afterCheckpoint: (step: number) => Promise<void>,
  warn: (l: string) => void,
) =>
  train({
    program: toyProgram(toyTaskModel()),
    data: { train: toyData(0, 4), val: toyData(100, 2), test: toyData(200, 2) },
    method: factory,
    checkpointPath,
    afterCheckpoint,
    warn,
    lock: false,
  });

describe('a checkpoint that cannot be written', () => {
  it('after the last step: the finished result is returned, a warning names the file', async () => {
    const path = join(dir, 'run.ckpt.json');
    const warnings: string[] = [];
    const result = await run(
      path,
      async (step) => {
        if (step === 2) await blockFile(path);
      },
      (l) => warnings.push(l),
    );
    expect(result.partial).toBe(false);
    expect(result.final.test).toBeGreaterThanOrEqual(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(`^warning: cannot write ${path}: .*its result is returned all the same$`),
    );
  });

  it('mid-run: the run stops with one error naming the file', async () => {
    const path = join(dir, 'run.ckpt.json');
    const warnings: string[] = [];
    const stopped = run(
      path,
      async (step) => {
        if (step === 1) await blockFile(path);
      },
      (l) => warnings.push(l),
    );
    await expect(stopped).rejects.toBeInstanceOf(FileWriteError);
    await expect(stopped).rejects.toThrow(`cannot write ${path}:`);
  });
});
