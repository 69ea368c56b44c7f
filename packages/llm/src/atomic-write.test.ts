import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeJsonAtomic } from './atomic-write';

describe('writeJsonAtomic', () => {
  it('replaces the file through a rename and leaves no temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atomic-write-'));
    try {
      const path = join(dir, 'sub', 'ckpt.json');
      await writeJsonAtomic(path, { step: 1 });
      await writeJsonAtomic(path, { step: 2 });
      expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ step: 2 });
      expect(await readdir(join(dir, 'sub'))).toEqual(['ckpt.json']);
      const bytes = join(dir, 'sub', 'blob.bin');
      await writeFileAtomic(bytes, new Uint8Array([0, 255, 7]));
      expect([...(await readFile(bytes))]).toEqual([0, 255, 7]);
      expect((await readdir(join(dir, 'sub'))).sort()).toEqual(['blob.bin', 'ckpt.json']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('writeFileAtomic after a killed writer', () => {
  it('removes the temporary file a dead process left beside the target, keeps a live one', async () => {
    const { writeFile } = await import('node:fs/promises');
    const dir = await mkdtemp(join(tmpdir(), 'atomic-write-'));
    try {
      const path = join(dir, 'ckpt.json');
      // pid 2^22 + 1 is above Linux's pid_max default range; process.ppid is alive.
      await writeFile(`${path}.4194305.0.tmp`, '{"half":');
      await writeFile(`${path}.${process.ppid}.0.tmp`, '{"other writer":');
      await writeJsonAtomic(path, { step: 3 });
      expect((await readdir(dir)).sort()).toEqual(['ckpt.json', `ckpt.json.${process.ppid}.0.tmp`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
