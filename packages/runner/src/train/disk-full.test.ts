/**
 * Issue 21, case 6: a full disk names the file it could not write, and never loses a finished result:
 * when the results file cannot be written the result is printed in full (JSON) and the exit code is 4;
 * a checkpoint that cannot be written is one line naming it, exit 4. Needs a tiny tmpfs (root); else
 * the tests skip, saying why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fullDisk } from '@llm-autodiff/llm/testing';
import { findDataDir, NO_DATA_MESSAGE } from '@llm-autodiff/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autodiff } from '../../testing/child-cli';

const HAS_DATA = findDataDir() !== undefined;

let dir: string;
let disk: ReturnType<typeof fullDisk>;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'autodiff-disk-'));
  disk = fullDisk();
});
afterAll(() => {
  if ('release' in disk) disk.release();
  rmSync(dir, { recursive: true, force: true });
});

const quick = [
  'train',
  '--task',
  'object-count',
  '--steps',
  '1',
  '--train',
  '4',
  '--val',
  '4',
  '--test',
  '4',
];

describe.skipIf(!HAS_DATA)(`a full disk${HAS_DATA ? '' : ` (${NO_DATA_MESSAGE})`}`, () => {
  it('results file on a full disk: the path is named, the finished result printed as JSON, exit 4', async (ctx) => {
    if ('reason' in disk) return ctx.skip(disk.reason);
    const out = join(disk.path, 'r.json');
    const r = await autodiff([
      ...quick,
      '--cache',
      'off',
      '--out',
      out,
      '--checkpoint',
      join(dir, 'a.ckpt.json'),
    ]);
    expect(r.code).toBe(4);
    expect(r.err).toContain(
      `autodiff train: cannot write ${out}: no space left on the device; the result follows on stdout as JSON`,
    );
    const json = JSON.parse(r.out.slice(r.out.indexOf('\n{\n  "model"'))) as { result: { partial: boolean } };
    expect(json.result.partial).toBe(false);
    expect(r.err).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('checkpoint on a full disk: one line naming the file, exit 4', async (ctx) => {
    if ('reason' in disk) return ctx.skip(disk.reason);
    const checkpoint = join(disk.path, 'c.ckpt.json');
    const r = await autodiff([
      ...quick,
      '--cache',
      'off',
      '--out',
      join(dir, 'b.json'),
      '--checkpoint',
      checkpoint,
    ]);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(new RegExp(`^autodiff train: cannot write (spend journal )?${checkpoint}`, 'm'));
    expect(r.err).toContain('no space left on the device');
    expect(r.err).not.toMatch(/\n\s+at /);
  }, 120_000);
});
