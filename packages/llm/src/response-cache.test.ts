import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cannedResponse, readOnlyView } from '../testing';
import { cacheKey } from './cache-key';
import { defaultCachePath } from './cache-location';
import { CacheAccessError } from './errors';
import { parseCacheMode, preflightCache, ResponseCache } from './response-cache';
import type { ChatRequest } from './types';

const here = dirname(fileURLToPath(import.meta.url));
const writerScript = join(here, '..', 'testing', 'cache-writer.ts');
const preflightScript = join(here, '..', 'testing', 'cache-preflight.ts');
const repoRoot = resolve(here, '..', '..', '..');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llm-cache-'));
});
afterEach(() => {
  chmodSync(dir, 0o700);
  rmSync(dir, { recursive: true, force: true });
});

const request: ChatRequest = { messages: [{ role: 'user', content: 'hello' }], options: { temperature: 0 } };
/** A raw body that is not empty, so the round trip checks it too. */
const response = (text: string) => cannedResponse(text, { raw: { any: 'thing' } });

function spawnWriter(path: string, worker: string, rows: string, goFile?: string): ChildProcess {
  const args = ['--import', 'tsx', writerScript, path, worker, rows, ...(goFile ? [goFile] : [])];
  return spawn(process.execPath, args, {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((res) => child.on('exit', (code, signal) => res({ code, signal, stderr })));
}

function integrity(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    return (db.pragma('integrity_check', { simple: true }) as string) ?? '';
  } finally {
    db.close();
  }
}

describe('ResponseCache', () => {
  it('stores and returns a response (minus the per-call cacheHit flag), surviving reopen', () => {
    const path = join(dir, 'c.sqlite');
    const key = cacheKey('openai:m', request);
    const a = new ResponseCache({ path });
    expect(a.get(key)).toBeUndefined();
    a.put(key, 'openai:m', request, response('hi'));
    a.close();
    const b = new ResponseCache({ path });
    const { cacheHit: _drop, ...expected } = response('hi');
    expect(b.get(key)).toEqual(expected);
    expect(b.stats()).toEqual({ hits: 1, misses: 0, writes: 0 });
    expect(b.size()).toBe(1);
    b.close();
  });

  it('keeps the first answer recorded for a key', () => {
    const c = new ResponseCache({ path: join(dir, 'c.sqlite') });
    const key = cacheKey('openai:m', request);
    c.put(key, 'openai:m', request, response('first'));
    c.put(key, 'openai:m', request, response('second'));
    expect(c.get(key)?.text).toBe('first');
    c.close();
  });

  it('uses WAL mode and a busy timeout', () => {
    const path = join(dir, 'c.sqlite');
    new ResponseCache({ path, busyTimeoutMs: 1234 }).close();
    const db = new Database(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  /** A cache at `path` holding one recorded answer ('recorded'); returns its key. */
  const recordOne = (path: string): string => {
    const key = cacheKey('openai:m', request);
    const rw = new ResponseCache({ path });
    rw.put(key, 'openai:m', request, response('recorded'));
    rw.close();
    return key;
  };

  it('read-only mode reads recorded rows, never writes, and refuses a missing file', () => {
    const path = join(dir, 'c.sqlite');
    const key = recordOne(path);
    const ro = new ResponseCache({ path, mode: 'read-only' });
    expect(ro.get(key)?.text).toBe('recorded');
    ro.put(cacheKey('openai:m', request, 'other'), 'openai:m', request, response('new'));
    expect(ro.size()).toBe(1);
    ro.close();
    expect(() => new ResponseCache({ path: join(dir, 'missing.sqlite'), mode: 'read-only' })).toThrow(
      /missing\.sqlite: does not exist, so there is nothing to replay/,
    );
  });

  it('read-only mode writes nothing beside the cache and reads it from read-only storage (issue 21, case 3)', (ctx) => {
    const store = join(dir, 'store');
    mkdirSync(store);
    const path = join(store, 'c.sqlite');
    const key = recordOne(path);
    const ro = new ResponseCache({ path, mode: 'read-only' });
    expect(ro.get(key)?.text).toBe('recorded');
    ro.close();
    expect(readdirSync(store)).toEqual(['c.sqlite']);

    const view = readOnlyView(store);
    if ('reason' in view) return ctx.skip(view.reason);
    try {
      preflightCache({ path: join(view.path, 'c.sqlite'), mode: 'read-only' });
      const onRo = new ResponseCache({ path: join(view.path, 'c.sqlite'), mode: 'read-only' });
      expect(onRo.get(key)?.text).toBe('recorded');
      onRo.close();
    } finally {
      view.release();
    }
    expect(readdirSync(store)).toEqual(['c.sqlite']);
  });

  it('off mode opens no file', () => {
    const c = new ResponseCache({ mode: 'off', path: join(dir, 'never.sqlite') });
    expect(c.path).toBeUndefined();
    expect(c.get('x')).toBeUndefined();
    c.put('x', 'm', request, response('x'));
    expect(c.size()).toBe(0);
  });

  it('rejects a file that is not a response cache with a clear error', () => {
    const path = join(dir, 'junk.sqlite');
    writeFileSync(path, 'this is not sqlite at all, just text that fills the header page '.repeat(20));
    expect(() => new ResponseCache({ path })).toThrow(/junk.sqlite: not a usable response cache/);
  });

  it('parses cache modes and names the bad one', () => {
    expect(parseCacheMode('read-only')).toBe('read-only');
    expect(() => parseCacheMode('replay', '--cache')).toThrow(
      /--cache: "replay" is not a cache mode; use one of read-write, read-only, off/,
    );
  });

  it('defaults to AUTODIFF_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(defaultCachePath({ AUTODIFF_CACHE_DIR: '/a', XDG_CACHE_HOME: '/x' })).toBe('/a/cache.sqlite');
    expect(defaultCachePath({ XDG_CACHE_HOME: '/x' })).toBe('/x/llm-autodiff/cache.sqlite');
    expect(defaultCachePath({})).toMatch(/\.cache\/llm-autodiff\/cache\.sqlite$/);
  });

  it('stays consistent with several processes writing at once', async () => {
    const path = join(dir, 'shared.sqlite');
    const rows = 200;
    const workers = ['a', 'b', 'c'];
    const goFile = join(dir, 'go');
    const children = workers.map((w) => spawnWriter(path, w, String(rows), goFile));
    const finished = children.map(exited);
    // Start them together so their transactions really contend for the write lock.
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((res) => {
            c.stdout?.once('data', () => res());
            c.once('exit', () => res());
          }),
      ),
    );
    writeFileSync(goFile, 'go');
    const results = await Promise.all(finished);
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });
    expect(integrity(path)).toBe('ok');
    const c = new ResponseCache({ path, mode: 'read-only' });
    // each worker's own rows plus one row per shared key
    expect(c.size()).toBe(workers.length * rows + rows);
    for (const w of workers) {
      const req: ChatRequest = { messages: [{ role: 'user', content: `worker ${w} row ${rows - 1}` }] };
      expect(c.get(cacheKey('scripted:writer', req))?.text).toMatch(new RegExp(`^answer ${w}/${rows - 1} `));
    }
    c.close();
  });

  it('is readable with every committed row after a writer is killed mid-write (SIGKILL)', async () => {
    const path = join(dir, 'killed.sqlite');
    const child = spawnWriter(path, 'k', 'forever');
    const done = exited(child);
    let committed = 0;
    await new Promise<void>((res) => {
      child.stdout?.on('data', (d: Buffer) => {
        const all = d.toString().match(/committed (\d+)/g) ?? [];
        const last = all.at(-1);
        if (last) committed = Number(last.split(' ')[1]);
        if (committed >= 40) res();
      });
    });
    child.kill('SIGKILL');
    const r = await done;
    expect(r.signal).toBe('SIGKILL');
    expect(integrity(path)).toBe('ok');
    const c = new ResponseCache({ path });
    // Two rows per committed step; the step in progress may or may not have landed.
    expect(c.size()).toBeGreaterThanOrEqual(2 * committed);
    for (let i = 0; i < committed; i++) {
      const req: ChatRequest = { messages: [{ role: 'user', content: `worker k row ${i}` }] };
      expect(c.get(cacheKey('scripted:writer', req))).toBeDefined();
    }
    // and it still accepts writes
    c.put(cacheKey('m', request), 'm', request, response('after crash'));
    expect(c.get(cacheKey('m', request))?.text).toBe('after crash');
    c.close();
  });
});

/** Root may write anything, so the refusal test runs its child as this unprivileged user. */
const UNPRIVILEGED = { uid: 65534, gid: 65534 };
let unprivilegedChecked: { problem: string | undefined } | undefined;

/**
 * Why the unprivileged user cannot run the child (it must read the checkout and tsx; a checkout under a
 * folder only its owner can read denies it), or undefined when it can, or when this is not root.
 */
function unprivilegedProblem(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  unprivilegedChecked ??= (() => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', ''], {
      cwd: repoRoot,
      encoding: 'utf8',
      ...UNPRIVILEGED,
    });
    if (r.status === 0) return { problem: undefined };
    const why = (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n')[0];
    return { problem: `user ${UNPRIVILEGED.uid} cannot read the checkout at ${repoRoot} (${why})` };
  })();
  return unprivilegedChecked.problem;
}

describe('cache preflight', () => {
  const refusal = (options: Parameters<typeof preflightCache>[0]): string => {
    try {
      preflightCache(options);
    } catch (e) {
      expect(e).toBeInstanceOf(CacheAccessError);
      return (e as Error).message;
    }
    throw new Error('expected a CacheAccessError');
  };

  it('names the file for a directory, an impossible parent, a missing replay file, an empty path or junk', () => {
    expect(refusal({ path: dir })).toBe(`response cache ${dir}: is a directory, not a cache file`);
    writeFileSync(join(dir, 'file'), 'x');
    expect(refusal({ path: join(dir, 'file', 'cache.sqlite') })).toMatch(
      new RegExp(`^response cache ${join(dir, 'file', 'cache.sqlite')}: cannot be reached: ENOTDIR`),
    );
    expect(refusal({ path: join(dir, 'none.sqlite'), mode: 'read-only' })).toMatch(
      /none\.sqlite: does not exist/,
    );
    expect(refusal({ path: '' })).toBe(
      'response cache "": the path is empty; give a file path, or turn the cache off',
    );
    writeFileSync(join(dir, 'junk.sqlite'), 'not sqlite '.repeat(100));
    expect(refusal({ path: join(dir, 'junk.sqlite'), mode: 'read-only' })).toMatch(
      /junk\.sqlite: not a usable/,
    );
  });

  it('creates a missing read-write cache and passes an existing one', () => {
    const path = join(dir, 'sub', 'c.sqlite');
    preflightCache({ path });
    const c = new ResponseCache({ path });
    expect(c.size()).toBe(0); // the probe row was rolled back
    c.close();
    expect(() => preflightCache({ path, mode: 'read-only' })).not.toThrow();
  });

  it.for([
    ['the file and its folder', true],
    ['the file', false],
  ] as const)(
    'refuses a cache the user may not write (%s) before any call, naming the file',
    ([_what, folderToo], ctx) => {
      const cannotRun = unprivilegedProblem();
      if (cannotRun) ctx.skip(cannotRun);
      const path = join(dir, 'ro', 'c.sqlite');
      mkdirSync(join(dir, 'ro'));
      const c = new ResponseCache({ path });
      c.put(cacheKey('openai:m', request), 'openai:m', request, response('kept'));
      c.close();
      chmodSync(path, 0o444);
      chmodSync(join(dir, 'ro'), folderToo ? 0o555 : 0o777);
      chmodSync(dir, 0o755);
      // Root may write anything; run the check as an unprivileged user then.
      const asUser = process.getuid?.() === 0 ? UNPRIVILEGED : {};
      const r = spawnSync(process.execPath, ['--import', 'tsx', preflightScript, path], {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, HOME: tmpdir() },
        ...asUser,
      });
      chmodSync(join(dir, 'ro'), 0o755);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(
        new RegExp(`^CacheAccessError: response cache ${path}: cannot be written \\(`),
      );
      expect(r.stdout.trim().split('\n')).toHaveLength(1);
    },
  );
});

describe('batched writes', () => {
  it('serves a put at once, writes it after the turn in one transaction, and on close', async () => {
    const path = join(dir, 'batched.sqlite');
    const c = new ResponseCache({ path });
    const key = (i: number) => cacheKey('openai:m', { messages: [{ role: 'user', content: `q${i}` }] });
    for (let i = 0; i < 3; i++) c.put(key(i), 'openai:m', request, response(`a${i}`));
    expect(c.get(key(1))?.text).toBe('a1');
    const other = new Database(path, { readonly: true });
    const rows = () => (other.prepare('SELECT COUNT(*) AS n FROM responses').get() as { n: number }).n;
    expect(rows()).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(rows()).toBe(3);
    c.put(key(3), 'openai:m', request, response('a3'));
    c.close();
    expect(rows()).toBe(4);
    other.close();
  });

  it('keeps the first answer of a key put twice before the flush', () => {
    const path = join(dir, 'first.sqlite');
    const c = new ResponseCache({ path });
    const key = cacheKey('openai:m', request);
    c.put(key, 'openai:m', request, response('first'));
    c.put(key, 'openai:m', request, response('second'));
    c.close();
    const d = new ResponseCache({ path, mode: 'read-only' });
    expect(d.get(key)?.text).toBe('first');
    d.close();
  });
});
