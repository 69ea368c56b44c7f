import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ChatServer, completionBody, type Reply, startChatServer } from '../testing/chat-server';
import { Budget, spendOfSummary } from './budget';
import { ModelCallError, ModelControlsError } from './errors';
import { ModelPool, modelSet } from './model-pool';
import { retryReporter } from './retry-log';
import { Semaphore } from './semaphore';
import { countMessageTokens } from './tokenizer';
import type { ChatRequest } from './types';
import { UsageLedger, type UsageSummary } from './usage-ledger';

const env = { OPENAI_API_KEY: 'sk-test-pool-3e9d1a' };
const ask = (q: string): ChatRequest => ({ messages: [{ role: 'user', content: q }] });

let server: ChatServer;
let inFlight = 0;
let peak = 0;
beforeEach(async () => {
  inFlight = 0;
  peak = 0;
  server = await startChatServer();
});
afterEach(async () => {
  await server.close();
});

/** Every request takes `ms`; the server remembers the most requests it had in flight at once. */
function slowServer(ms: number): void {
  server.setResponder(async () => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, ms));
    inFlight--;
    return { kind: 'json', body: completionBody({ contents: ['ok'] }) };
  });
}

/** Replies in order, then repeats the last one. */
function replies(...list: Reply[]): void {
  server.setResponder((_req, i) => list[Math.min(i, list.length - 1)] as Reply);
}

const instant = { sleep: async () => {}, random: () => 0, baseDelayMs: 10 };

describe('ModelPool through the openai client', () => {
  it('gives four roles on one endpoint one shared model, one concurrency limit and per-role accounting', async () => {
    slowServer(40);
    const ledger = new UsageLedger();
    const spec = `openai:m@${server.baseURL}`;
    const { pool, models } = modelSet(
      // the trailing slash is the same server: one canonical model
      { task: spec, backward: spec, optimizer: `${spec}/`, teacher: spec },
      { ledger, provider: { env }, controls: { maxConcurrency: 3 } },
    );
    expect(new Set(Object.values(models).map((m) => m.model)).size).toBe(1);
    const calls = Object.values(models).flatMap((m, i) =>
      Array.from({ length: 3 }, (_, j) => m.complete(ask(`q${i}-${j}`))),
    );
    await Promise.all(calls);
    expect(server.requests).toHaveLength(12);
    expect(peak).toBe(3);
    const byRole = ledger.byRole();
    for (const role of ['task', 'backward', 'optimizer', 'teacher']) expect(byRole[role]?.calls).toBe(3);
    expect(pool.describe()).toEqual([
      {
        id: `openai:m@${server.baseURL}`,
        specs: [spec, `${spec}/`],
        roles: ['task', 'backward', 'optimizer', 'teacher'],
        controls: { timeoutMs: 120_000, maxRetries: 4, maxConcurrency: 3 },
      },
    ]);
  });

  it('keeps a role given by the call (the teacher pipeline on the task model)', async () => {
    const ledger = new UsageLedger();
    const pool = new ModelPool({ ledger, provider: { env } });
    const task = pool.forRole('task', `openai:m@${server.baseURL}`);
    await task.complete(ask('a'));
    await task.complete(ask('b'), { role: 'teacher' });
    expect(ledger.entries.map((e) => e.role)).toEqual(['task', 'teacher']);
  });

  it('never caps the caller’s concurrency at a hidden default: 16 asked, 16 in flight', async () => {
    slowServer(150);
    const pool = new ModelPool({ provider: { env }, concurrency: 16 });
    const m = pool.forRole('task', `openai:m@${server.baseURL}`);
    await Promise.all(Array.from({ length: 16 }, (_, i) => m.complete(ask(`q${i}`))));
    expect(peak).toBe(16);
    expect(pool.describe()[0]?.controls.maxConcurrency).toBe(16);
  });

  it("two pools given one shared limit per model (a sweep's runs) keep to it together", async () => {
    slowServer(100);
    const shared = new Semaphore(3);
    const asked: string[] = [];
    const semaphoreFor = (id: string) => {
      asked.push(id);
      return shared;
    };
    const pools = [1, 2].map(() => new ModelPool({ provider: { env }, concurrency: 8, semaphoreFor }));
    const models = pools.map((pool) => pool.forRole('task', `openai:m@${server.baseURL}`));
    await Promise.all(
      models.flatMap((m, k) => Array.from({ length: 5 }, (_, i) => m.complete(ask(`q${k}-${i}`)))),
    );
    expect(peak).toBe(3);
    expect(asked).toEqual([models[0]?.id, models[1]?.id]);
  });

  it('records request latency and queue wait apart', async () => {
    slowServer(100);
    const ledger = new UsageLedger();
    const pool = new ModelPool({ ledger, provider: { env }, controls: { maxConcurrency: 1 } });
    const m = pool.forRole('task', `openai:m@${server.baseURL}`);
    await Promise.all(Array.from({ length: 4 }, (_, i) => m.complete(ask(`q${i}`))));
    const entries = [...ledger.entries];
    // One at a time: the calls waited about 0, 100, 200 and 300 ms for the slot.
    const t = ledger.totals();
    expect(t.queueMs).toBeGreaterThan(450);
    for (const e of entries) expect(e.latencyMs).toBeGreaterThanOrEqual(90);
    // the call that queued behind three others still reports one request's time as its latency
    const mostQueued = entries.reduce((a, b) => (b.queueMs > a.queueMs ? b : a));
    expect(mostQueued.queueMs).toBeGreaterThan(250);
    expect(mostQueued.latencyMs).toBeLessThan(mostQueued.queueMs);
  });

  it('applies per-model controls by spec or canonical id, and rejects bad ones naming the model', async () => {
    replies({ kind: 'json', status: 503, body: { error: { message: 'busy' } } });
    const spec = `openai:m@${server.baseURL}`;
    const pool = new ModelPool({
      provider: { env },
      controls: { maxRetries: 4 },
      perModel: { [spec]: { maxRetries: 1 } },
      resilience: instant,
    });
    const e = await pool
      .forRole('task', spec)
      .complete(ask('x'))
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ModelCallError);
    expect((e as ModelCallError).attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
    expect(() => new ModelPool({ perModel: { 'openai:x': { maxConcurrency: 0 } } })).toThrow(
      new ModelControlsError('model controls of openai:x: maxConcurrency must be an integer >= 1, got 0'),
    );
    expect(() => new ModelPool({ controls: { timeoutMs: 1.5 } })).toThrow(
      /timeoutMs must be an integer >= 0/,
    );
  });

  it('makes retries visible: one log line each, and counted per role in the ledger', async () => {
    replies(
      { kind: 'json', status: 503, body: { error: { message: 'overloaded' } } },
      {
        kind: 'json',
        status: 429,
        body: { error: { message: 'slow down' } },
        headers: { 'retry-after-ms': '20' },
      },
      { kind: 'json', body: completionBody({ contents: ['fine'] }) },
    );
    const lines: string[] = [];
    const ledger = new UsageLedger();
    const pool = new ModelPool({
      ledger,
      provider: { env },
      controls: { maxRetries: 2 },
      onRetry: retryReporter({ log: (l) => lines.push(l), minIntervalMs: 0 }),
      resilience: instant,
    });
    const r = await pool.forRole('backward', `openai:m@${server.baseURL}`).complete(ask('q'), {
      labels: { step: 3 },
    });
    expect(r.text).toBe('fine');
    expect(lines).toEqual([
      `retry: openai:m@${server.baseURL} backward step 3: HTTP 503 on attempt 1 of 3; next attempt in 5 ms`,
      `retry: openai:m@${server.baseURL} backward step 3: HTTP 429 on attempt 2 of 3; next attempt in 20 ms`,
    ]);
    expect(ledger.byRole().backward).toMatchObject({
      calls: 1,
      retries: 2,
      failedAttempts: 2,
      billedFailedAttempts: 0,
      failedAttemptTokens: 0,
    });
    expect(JSON.stringify(lines)).not.toContain(env.OPENAI_API_KEY);
  });

  it('charges 2xx bodies cut in transit to the ledger and the budget with estimated prompt tokens', async () => {
    const full = JSON.stringify(completionBody({ contents: ['the answer'] }));
    const cut: Reply = { kind: 'cut', body: full.slice(0, 25), declaredLength: full.length };
    replies(cut, cut, { kind: 'json', body: completionBody({ contents: ['the answer'] }) });
    const ledger = new UsageLedger();
    const budget = new Budget({ total: { calls: 3 } });
    const pool = new ModelPool({
      ledger,
      budget,
      provider: { env },
      controls: { maxRetries: 4 },
      resilience: instant,
    });
    const m = pool.forRole('optimizer', `openai:m@${server.baseURL}`);
    const request = ask('Rewrite the prompt, please.');
    expect((await m.complete(request)).text).toBe('the answer');
    const prompt = countMessageTokens(request.messages);
    expect(ledger.byRole().optimizer).toMatchObject({
      calls: 1,
      retries: 2,
      failedAttempts: 2,
      billedFailedAttempts: 2,
      failedAttemptTokens: 2 * prompt,
      // the successful call's own usage is what the server reported
      promptTokens: 10,
    });
    expect(ledger.entries[0]).toMatchObject({ attempts: 3, failedAttemptTokens: 2 * prompt });
    // two billed failures + the answer = the three calls the budget allows
    expect(budget.spent().byRole.optimizer).toEqual({ calls: 3, tokens: 2 * prompt + 12, usd: 0 });
    // the ledger's summary says the same in budget terms (what a resumed run credits)
    expect(spendOfSummary(ledger.byRole().optimizer as UsageSummary)).toEqual(
      budget.spent().byRole.optimizer,
    );
    await expect(m.complete(ask('another'))).rejects.toThrow(/budget exceeded: total calls limit 3/);
  });

  it('charges billed attempts of a call that fails for good, and rate-limits the retry log', async () => {
    const full = JSON.stringify(completionBody());
    replies({ kind: 'cut', body: full.slice(0, 20), declaredLength: full.length });
    const lines: string[] = [];
    const ledger = new UsageLedger();
    let clock = 0;
    const pool = new ModelPool({
      ledger,
      provider: { env },
      controls: { maxRetries: 4 },
      onRetry: retryReporter({ log: (l) => lines.push(l), minIntervalMs: 1000, now: () => clock }),
      resilience: {
        ...instant,
        sleep: async (ms) => {
          clock += ms * 100; // 5 ms backoff reads as 0.5 s on the reporter's clock
        },
      },
    });
    const e = await pool
      .forRole('task', `openai:m@${server.baseURL}`)
      .complete(ask('q'))
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ModelCallError);
    expect(ledger.totals()).toMatchObject({
      calls: 0,
      failures: 1,
      retries: 4,
      failedAttempts: 5,
      billedFailedAttempts: 5,
      failedAttemptTokens: 5 * countMessageTokens(ask('q').messages),
    });
    // retries at clock 0, 500, 1500, 3500 (delays 5, 10, 20, 40 ms x100): the one at 500 is left out
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('2xx response cut in transit on attempt 1 of 5');
    expect(lines[1]).toContain('attempt 3 of 5');
    expect(lines[1]).toContain('(1 more retry not shown)');
  });
});
