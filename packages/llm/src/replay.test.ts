import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ChatServer, completionBody, startChatServer } from '../testing/chat-server';
import { runCacheSalt } from './cache-key';
import { CacheMissError } from './errors';
import { ModelPool } from './model-pool';
import { ResponseCache } from './response-cache';
import type { ChatRequest } from './types';
import { UsageLedger } from './usage-ledger';

const env = { OPENAI_API_KEY: 'sk-test-replay-5c1e' };
const ask = (q: string): ChatRequest => ({ messages: [{ role: 'user', content: q }] });

let dir: string;
let server: ChatServer;
let caches: ResponseCache[];
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llm-replay-'));
  caches = [];
  // Every answer differs, like a sampling model: a replay must return the recorded one.
  server = await startChatServer((_req, i) => ({
    kind: 'json',
    body: completionBody({ contents: [`sample ${i}`] }),
  }));
});
afterEach(async () => {
  for (const c of caches) c.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function cache(mode: 'read-write' | 'read-only'): ResponseCache {
  const c = new ResponseCache({ path: join(dir, 'cache.sqlite'), mode });
  caches.push(c);
  return c;
}

/** A small "run": five proposals of one step (the proposal index salts each call) and a task call. */
async function run(pool: ModelPool, spec: string): Promise<string[]> {
  const optimizer = pool.forRole('optimizer', spec);
  const task = pool.forRole('task', spec);
  const out: string[] = [];
  for (let p = 0; p < 5; p++) {
    const r = await optimizer.complete(ask('Improve the prompt.'), {
      cacheSalt: `proposal=${p}`,
      labels: { step: 0 },
    });
    out.push(r.text);
  }
  out.push((await task.complete(ask('Question 1'), { labels: { step: 0 } })).text);
  return out;
}

describe('replay through the openai client', () => {
  it('replays a recorded run exactly with zero requests, even with the server gone', async () => {
    const salt = runCacheSalt({ seed: 7, repeat: 0 });
    const recording = cache('read-write');
    const recorded = await run(
      new ModelPool({ cache: recording, runSalt: salt, provider: { env } }),
      `openai:m@${server.baseURL}`,
    );
    recording.close(); // writes the batched rows, as the end of a run does
    // identical requests salted by proposal index are five samples, not one answer five times
    expect(new Set(recorded.slice(0, 5)).size).toBe(5);
    expect(server.requests).toHaveLength(6);

    const ledger = new UsageLedger();
    const replayPool = new ModelPool({ cache: cache('read-only'), runSalt: salt, ledger, provider: { env } });
    expect(await run(replayPool, `openai:m@${server.baseURL}`)).toEqual(recorded);
    expect(server.requests).toHaveLength(6);
    expect(ledger.totals()).toMatchObject({ calls: 0, cacheHits: 6 });

    // With the server shut down, its base URL points at a closed port: a sent request could only fail.
    await server.close();
    const offline = new ModelPool({
      cache: cache('read-only'),
      runSalt: salt,
      provider: { env },
      controls: { maxRetries: 0 },
    });
    expect(await run(offline, `openai:m@${server.baseURL}`)).toEqual(recorded);
  });

  it('samples afresh under another repeat, and a replay miss is one line naming step, role, model and file', async () => {
    const spec = `openai:m@${server.baseURL}`;
    await run(
      new ModelPool({ cache: cache('read-write'), runSalt: runCacheSalt({ seed: 7 }), provider: { env } }),
      spec,
    );
    const sent = server.requests.length;
    const other = await run(
      new ModelPool({
        cache: cache('read-write'),
        runSalt: runCacheSalt({ seed: 7, repeat: 1 }),
        provider: { env },
      }),
      spec,
    );
    expect(server.requests.length).toBe(sent + 6);
    expect(other[0]).toBe(`sample ${sent}`);

    const replay = new ModelPool({
      cache: cache('read-only'),
      runSalt: runCacheSalt({ seed: 8 }),
      provider: { env },
    });
    const e = await run(replay, spec).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CacheMissError);
    const message = (e as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain(
      `replay: no recorded response in cache ${join(dir, 'cache.sqlite')} for step 0, role optimizer, model ${spec}`,
    );
    expect(e).toMatchObject({ role: 'optimizer', labels: { step: 0 }, cachePath: join(dir, 'cache.sqlite') });
    expect(server.requests.length).toBe(sent + 6);
  });

  it('refuses a noCache call in replay instead of sending it', async () => {
    const pool = new ModelPool({ cache: cache('read-write'), provider: { env } });
    await pool.forRole('task', `openai:m@${server.baseURL}`).complete(ask('q'));
    const replay = new ModelPool({ cache: cache('read-only'), provider: { env } });
    const e = await replay
      .forRole('optimizer', `openai:m@${server.baseURL}`)
      .complete(ask('q'), { noCache: true, labels: { step: 2 } })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CacheMissError);
    expect((e as Error).message).toMatch(
      /call that skips the cache \(noCache\) cannot be replayed \(step 2, role optimizer/,
    );
    expect(server.requests).toHaveLength(1);
  });
});

describe('stopping a run (stopSignal)', () => {
  it('lets calls in flight finish and be cached, and sends nothing else: no queued call, no new call', async () => {
    let received = 0;
    let release: () => void = () => {};
    const twoArrived = new Promise<void>((r) => {
      release = r;
    });
    server.setResponder(async (_req, i) => {
      if (++received === 2) release();
      await new Promise((r) => setTimeout(r, 150));
      return { kind: 'json', body: completionBody({ contents: [`answer ${i}`] }) };
    });
    const stop = new AbortController();
    const ledger = new UsageLedger();
    const pool = new ModelPool({
      cache: cache('read-write'),
      ledger,
      stopSignal: stop.signal,
      provider: { env },
      controls: { maxConcurrency: 2 },
    });
    const m = pool.forRole('task', `openai:m@${server.baseURL}`);
    const calls = Array.from({ length: 5 }, (_, i) => m.complete(ask(`q${i}`)));
    await twoArrived;
    stop.abort('SIGINT');
    const results = await Promise.allSettled(calls);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
      'rejected',
    ]);
    for (const r of results.slice(2))
      expect((r as PromiseRejectedResult).reason).toMatchObject({
        name: 'CallsStoppedError',
        message: `openai:m@${server.baseURL}: call not sent, the run is stopping (SIGINT)`,
      });
    expect(server.requests).toHaveLength(2);
    expect(ledger.totals()).toMatchObject({ calls: 2, failures: 0 });
    // what was paid for is kept: served from the cache even after the stop
    expect((await m.complete(ask('q0'))).cacheHit).toBe(true);
    await expect(m.complete(ask('new'))).rejects.toThrow(/the run is stopping/);
    expect(server.requests).toHaveLength(2);
  });

  it('does not send a pending retry once stopped; the failed attempt stays in the ledger', async () => {
    server.setResponder(() => ({ kind: 'json', status: 503, body: { error: { message: 'busy' } } }));
    const stop = new AbortController();
    const ledger = new UsageLedger();
    const pool = new ModelPool({
      ledger,
      stopSignal: stop.signal,
      provider: { env },
      // the stop arrives while the call waits out its backoff
      resilience: { sleep: async () => stop.abort('SIGTERM'), random: () => 0 },
    });
    const e = await pool
      .forRole('backward', `openai:m@${server.baseURL}`)
      .complete(ask('q'))
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'CallsStoppedError', reason: 'SIGTERM' });
    expect(server.requests).toHaveLength(1);
    expect(ledger.byRole().backward).toMatchObject({ failures: 1, failedAttempts: 1, retries: 0 });
  });
});
