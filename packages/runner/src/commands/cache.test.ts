import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResponseCache } from '@llm-autodiff/llm';
import { cannedResponse as response } from '@llm-autodiff/llm/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { autodiff } from '../../testing/run-cli';
import { parseAge } from './cache';

let dir: string;
const envBefore = process.env.AUTODIFF_CACHE_DIR;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autodiff-cache-'));
  process.env.AUTODIFF_CACHE_DIR = dir;
});
afterEach(() => {
  if (envBefore === undefined) delete process.env.AUTODIFF_CACHE_DIR;
  else process.env.AUTODIFF_CACHE_DIR = envBefore;
  rmSync(dir, { recursive: true, force: true });
});

/** Cache keys are hex digests: the short test names padded to 16 hex digits. */
const hex = (k: string) => k.padEnd(16, '0');

function fill(path: string, keys: string[]): void {
  const c = new ResponseCache({ path });
  for (const k of keys)
    c.put(hex(k), 'sim:task', { messages: [{ role: 'user', content: k }] }, response(`answer ${k}`));
  c.close();
}

describe('autodiff cache', () => {
  it('stats lists the default cache and each experiment cache', async () => {
    fill(join(dir, 'cache.sqlite'), ['aa01', 'aa02']);
    fill(join(dir, 'experiments', 'quick.sqlite'), ['bb01']);
    const r = await autodiff(['cache', 'stats']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/cache\.sqlite: 2 responses/);
    expect(r.out).toMatch(/experiments\/quick\.sqlite: 1 responses/);
    expect(r.out).toMatch(/sim:task\s+1/);
  });

  it('export then import shares the rows (gzip too); a bad file adds nothing and names its line', async () => {
    fill(join(dir, 'experiments', 'quick.sqlite'), ['cc01', 'cc02', 'cc03']);
    const file = join(dir, 'quick.jsonl.gz');
    const ex = await autodiff(['cache', 'export', file, '--experiment', 'quick']);
    expect(ex.err).toBe('');
    expect(ex.out).toContain('exported 3 responses');
    const target = join(dir, 'other.sqlite');
    const im = await autodiff(['cache', 'import', file, '--cache', target]);
    expect(im.out).toContain('added 3 of 3 responses (0 already present)');
    const c = new ResponseCache({ path: target, mode: 'read-only' });
    expect(c.get(hex('cc02'))?.text).toBe('answer cc02');
    c.close();
    expect((await autodiff(['cache', 'import', file, '--cache', target])).out).toContain('added 0 of 3');

    const plain = join(dir, 'rows.jsonl');
    await autodiff(['cache', 'export', plain, '--experiment', 'quick']);
    const lines = readFileSync(plain, 'utf8').trim().split('\n');
    writeFileSync(plain, `${lines[0]}\n{"key": "zz"}\n`);
    const bad = await autodiff(['cache', 'import', plain, '--cache', join(dir, 'fresh.sqlite')]);
    expect(bad.code).toBe(2); // bad input: the file to import
    expect(bad.err).toMatch(/^autodiff cache: .*rows\.jsonl:2: key: a cache key is hex/);
    const fresh = new ResponseCache({ path: join(dir, 'fresh.sqlite'), mode: 'read-only' });
    expect(fresh.size()).toBe(0);
    fresh.close();
  });

  it('prune by age keeps recent rows; prune by experiment removes its cache', async () => {
    const path = join(dir, 'cache.sqlite');
    fill(path, ['dd02']);
    // An old row arrives through an import, which keeps its write date.
    const old = join(dir, 'old.jsonl');
    writeFileSync(
      old,
      `${JSON.stringify({ key: hex('dd01'), model: 'sim:task', request: { messages: [] }, response: response('old'), createdAt: '2020-01-01T00:00:00.000Z' })}\n`,
    );
    expect((await autodiff(['cache', 'import', old])).out).toContain('added 1 of 1');
    const r = await autodiff(['cache', 'prune', '--older-than', '30d']);
    expect(r.out).toMatch(/removed 1 responses written before/);
    const left = new ResponseCache({ path, mode: 'read-only' });
    expect([left.get(hex('dd01')), left.get(hex('dd02'))?.text]).toEqual([undefined, 'answer dd02']);
    left.close();
    fill(join(dir, 'experiments', 'quick.sqlite'), ['ee01']);
    expect((await autodiff(['cache', 'prune', '--experiment', 'quick'])).code).toBe(0);
    expect(existsSync(join(dir, 'experiments', 'quick.sqlite'))).toBe(false);
    const none = await autodiff(['cache', 'prune']);
    expect(none.code).toBe(2);
    expect(none.err).toContain('cache prune needs --older-than AGE or --experiment NAME');
    const badAge = await autodiff(['cache', 'prune', '--older-than', 'soon']);
    expect(badAge.code).toBe(2);
    expect(badAge.err).toContain('expected an age like 30d, 12h or 90m, got "soon"');
  });

  it('parses ages', () => {
    expect(parseAge('2d', 10 * 86_400_000).toISOString()).toBe(new Date(8 * 86_400_000).toISOString());
    expect(parseAge('90m', 100 * 60_000).getTime()).toBe(10 * 60_000);
  });
});
