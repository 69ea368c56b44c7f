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
