import { describe, expect, it } from 'vitest';
import { ModelCallError, ProviderError } from './errors';
import { withResilience } from './resilience';
import { ScriptedModel } from './scripted-model';
import { Semaphore } from './semaphore';
import type { ChatRequest } from './types';

const req: ChatRequest = { messages: [{ role: 'user', content: 'hi' }] };
const http = (status: number, retryAfterMs?: number) =>
  ProviderError.http('scripted:test', status, 'x', retryAfterMs);

function fastSleep() {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms: number) => void sleeps.push(ms) };
}

/** A model whose calls take 10 ms, remembering the most calls it saw in flight at once. */
function peakTracker() {
  let active = 0;
  let most = 0;
  const inner = ScriptedModel.fn(async () => {
    active++;
    most = Math.max(most, active);
    await new Promise((r) => setTimeout(r, 10));
    active--;
    return 'ok';
  });
  return { inner, peak: () => most };
}

describe('withResilience', () => {
  it('never runs more calls at once than the concurrency limit', async () => {
    const { inner, peak } = peakTracker();
    const m = withResilience(inner, { concurrency: 3 });
    await Promise.all(Array.from({ length: 12 }, () => m.complete(req)));
    expect(peak()).toBe(3);
    expect(inner.calls).toHaveLength(12);
  });

  it('shares one limit between wrappers given the same semaphore', async () => {
    const { inner, peak } = peakTracker();
    const semaphore = new Semaphore(2);
    const a = withResilience(inner, { semaphore });
    const b = withResilience(inner, { semaphore });
    await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).complete(req)));
    expect(peak()).toBe(2);
  });

  it('backs off exponentially with jitter, capped at maxDelayMs', async () => {
    const { sleeps, sleep } = fastSleep();
    const inner = ScriptedModel.sequence(['ok'], { fail: (i) => (i < 5 ? http(503) : undefined) });
    const m = withResilience(inner, {
      maxRetries: 5,
      baseDelayMs: 100,
      maxDelayMs: 600,
      random: () => 1,
      sleep,
    });
    expect((await m.complete(req)).text).toBe('ok');
    // random() = 1 gives the full exponential delay
    expect(sleeps).toEqual([100, 200, 400, 600, 600]);
  });

  it('caps a huge Retry-After at maxRetryAfterMs', async () => {
    const { sleeps, sleep } = fastSleep();
    const inner = ScriptedModel.sequence(['ok'], {
      fail: (i) => (i === 0 ? http(429, 3_600_000) : undefined),
    });
    await withResilience(inner, { maxRetryAfterMs: 5000, sleep }).complete(req);
    expect(sleeps).toEqual([5000]);
  });

  it('times out a slow model even if it ignores the abort signal', async () => {
    const inner = ScriptedModel.fn(() => new Promise((r) => setTimeout(() => r('late'), 400)));
    const m = withResilience(inner, { timeoutMs: 30, maxRetries: 0 });
    const e = await m.complete(req).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ModelCallError);
    expect((e as ModelCallError).lastKind).toBe('timeout');
    expect((e as ModelCallError).message).toMatch(/no response within 30 ms/);
  });

  it('lets errors that are not provider failures through unchanged', async () => {
    const bug = new TypeError('a bug');
    const inner = ScriptedModel.sequence(['ok'], { fail: () => bug });
    await expect(withResilience(inner).complete(req)).rejects.toBe(bug);
    expect(inner.attempts).toBe(1);
  });

  it('stops waiting out a backoff when the caller aborts', async () => {
    const inner = ScriptedModel.sequence(['ok'], { fail: () => http(503) });
    const m = withResilience(inner, { baseDelayMs: 10_000, maxRetries: 3 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const started = Date.now();
    const e = await m.complete(req, { signal: controller.signal }).catch((x: unknown) => x);
    expect((e as ModelCallError).lastKind).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(inner.attempts).toBe(1);
  });
});

describe('Semaphore', () => {
  it('grants in FIFO order and rejects a waiter whose signal aborts', async () => {
    const s = new Semaphore(1);
    const order: string[] = [];
    const r1 = await s.acquire();
    const controller = new AbortController();
    const aborted = s.acquire(controller.signal).catch(() => order.push('aborted'));
    const second = s.acquire().then((r) => {
      order.push('second');
      return r;
    });
    controller.abort();
    await aborted;
    r1();
    (await second)();
    expect(order).toEqual(['aborted', 'second']);
    expect(s.inUse).toBe(0);
    expect(() => new Semaphore(0)).toThrow(/integer >= 1/);
  });

  it('keeps FIFO order through thousands of waiters with aborted ones among them', async () => {
    const s = new Semaphore(2);
    const held = [await s.acquire(), await s.acquire()];
    const granted: number[] = [];
    const controllers: AbortController[] = [];
    const waits = Array.from({ length: 3000 }, (_, i) => {
      const controller = new AbortController();
      controllers.push(controller);
      return s.acquire(controller.signal).then(
        (release) => {
          granted.push(i);
          release();
        },
        () => undefined,
      );
    });
    for (let i = 0; i < 3000; i += 7) controllers[i]?.abort();
    expect(s.waiting).toBe(3000 - Math.ceil(3000 / 7));
    for (const release of held) release();
    await Promise.all(waits);
    const expected = Array.from({ length: 3000 }, (_, i) => i).filter((i) => i % 7 !== 0);
    expect(granted).toEqual(expected);
    expect(s.waiting).toBe(0);
    expect(s.inUse).toBe(0);
  });
});
