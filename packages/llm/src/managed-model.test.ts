import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startChatServer } from '../testing/chat-server';
import { Budget } from './budget';
import {
  BudgetExceededError,
  CacheMissError,
  MalformedResponseError,
  ModelCallError,
  ProviderError,
} from './errors';
import { managedModel } from './managed-model';
import { createChatModel } from './registry';
import { ResponseCache } from './response-cache';
import { ScriptedModel } from './scripted-model';
import { countMessageTokens, countTokens } from './tokenizer';
import type { ChatRequest } from './types';
import { UsageLedger } from './usage-ledger';

let dir: string;
let caches: ResponseCache[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llm-managed-'));
  caches = [];
});
afterEach(() => {
  for (const c of caches) c.close();
  rmSync(dir, { recursive: true, force: true });
});

function openCache(mode: 'read-write' | 'read-only' = 'read-write'): ResponseCache {
  const c = new ResponseCache({ path: join(dir, 'cache.sqlite'), mode });
  caches.push(c);
  return c;
}

const ask = (q: string, options?: ChatRequest['options']): ChatRequest => ({
  messages: [
    { role: 'system', content: 'Answer in one word.' },
    { role: 'user', content: q },
  ],
  options,
});

const echo = () => ScriptedModel.fn((req, _ctx, i) => `answer ${i} to ${req.messages.at(-1)?.content}`);

describe('managedModel: cache', () => {
  it('serves a repeated request from the cache, recorded as a free hit', async () => {
    const inner = echo();
    const ledger = new UsageLedger();
    const m = managedModel(inner, { cache: openCache(), ledger });
    const first = await m.complete(ask('Capital of France?'));
    const again = await m.complete(ask('Capital of France?'));
    expect(inner.calls).toHaveLength(1);
    expect(first.cacheHit).toBe(false);
    expect(again).toMatchObject({
      cacheHit: true,
      text: first.text,
      usage: first.usage,
      choices: first.choices,
    });
    const t = ledger.totals();
    expect(t).toMatchObject({
      calls: 1,
      cacheHits: 1,
      totalTokens: first.usage.promptTokens + first.usage.completionTokens,
    });
    expect(t.cacheHitTokens).toBe(t.totalTokens);
  });

  it('misses on a different model, message or parameter, and re-samples with a salt', async () => {
    const cache = openCache();
    const a = echo();
    const b = ScriptedModel.fn(() => 'other model', { id: 'scripted:other' });
    const ma = managedModel(a, { cache });
    const mb = managedModel(b, { cache });
    await ma.complete(ask('Q', { temperature: 0 }));
    await mb.complete(ask('Q', { temperature: 0 }));
    await ma.complete(ask('Q2', { temperature: 0 }));
    await ma.complete(ask('Q', { temperature: 0.5 }));
    await ma.complete(ask('Q', { temperature: 0, seed: 3 }));
    const s1 = await ma.complete(ask('Q', { temperature: 0 }), { cacheSalt: 'sample-1' });
    const s1again = await ma.complete(ask('Q', { temperature: 0 }), { cacheSalt: 'sample-1' });
    expect(a.calls).toHaveLength(5);
    expect(b.calls).toHaveLength(1);
    expect(s1.cacheHit).toBe(false);
    expect(s1again.cacheHit).toBe(true);
    expect(cache.size()).toBe(6);
  });

  it('skips the cache entirely with noCache', async () => {
    const inner = echo();
    const cache = openCache();
    const m = managedModel(inner, { cache });
    await m.complete(ask('Q'), { noCache: true });
    await m.complete(ask('Q'), { noCache: true });
    expect(inner.calls).toHaveLength(2);
    expect(cache.size()).toBe(0);
  });

  it('replays from a read-only cache and fails on a miss, naming the request', async () => {
    const recording = openCache();
    await managedModel(echo(), { cache: recording }).complete(ask('Recorded question'));
    recording.close(); // writes the batched rows, as the end of a run does
    const inner = echo();
    const replay = managedModel(inner, {
      cache: openCache('read-only'),
      budget: new Budget({ total: { calls: 1 } }),
    });
    expect((await replay.complete(ask('Recorded question'))).cacheHit).toBe(true);
    const e = await replay
      .complete(ask('Never asked before, a question long enough to be cut off in the excerpt of the error'))
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CacheMissError);
    const miss = e as CacheMissError;
    expect(miss.modelId).toBe('scripted:test');
    expect(miss.digest).toMatch(/^[0-9a-f]{12}$/);
    expect(miss.message).toContain('Never asked before');
    expect(miss.message).toContain('scripted:test');
    expect(miss.excerpt.length).toBeLessThanOrEqual(81);
    expect(inner.calls).toHaveLength(0);
  });
});

describe('managedModel: budgets and ledger', () => {
  it('raises BudgetExceededError before sending the call over the limit', async () => {
    const inner = echo();
    const m = managedModel(inner, { budget: new Budget({ total: { calls: 2 } }) });
    await m.complete(ask('1'));
    await m.complete(ask('2'));
    const e = await m.complete(ask('3')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BudgetExceededError);
    expect(e).toMatchObject({ scope: 'total', budget: 'calls', limit: 2, spent: 2 });
    expect(inner.calls).toHaveLength(2);
  });

  it('holds the call limit under concurrency', async () => {
    const inner = ScriptedModel.sequence(['ok'], { repeatLast: true, latencyMs: 5 });
    const m = managedModel(inner, {
      budget: new Budget({ total: { calls: 4 } }),
      limits: { concurrency: 8 },
    });
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => m.complete(ask(`q${i}`))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
    expect(
      results.filter((r) => r.status === 'rejected' && r.reason instanceof BudgetExceededError),
    ).toHaveLength(6);
    expect(inner.calls).toHaveLength(4);
  });

  it('does not charge cache hits against a token budget', async () => {
    const budget = new Budget({ perRole: { task: { tokens: 10_000 } } });
    const m = managedModel(echo(), { cache: openCache(), budget });
    const first = await m.complete(ask('Q'));
    for (let i = 0; i < 5; i++) await m.complete(ask('Q'));
    expect(budget.spent().byRole.task).toEqual({
      calls: 1,
      tokens: first.usage.promptTokens + first.usage.completionTokens,
      usd: 0,
    });
  });

  it('still serves cache hits once the budget is spent, so a stopped run can be replayed', async () => {
    const budget = new Budget({ total: { calls: 1 } });
    const inner = echo();
    const m = managedModel(inner, { cache: openCache(), budget });
    await m.complete(ask('Q'));
    await expect(m.complete(ask('another question'))).rejects.toBeInstanceOf(BudgetExceededError);
    expect((await m.complete(ask('Q'))).cacheHit).toBe(true);
    expect(inner.calls).toHaveLength(1);
  });

  it('refuses the next call once a role crosses its token budget, other roles unaffected', async () => {
    const m = managedModel(echo(), { budget: new Budget({ perRole: { backward: { tokens: 30 } } }) });
    await m.complete(ask('a long enough question to cross thirty tokens with the system prompt included'), {
      role: 'backward',
    });
    await expect(m.complete(ask('b'), { role: 'backward' })).rejects.toBeInstanceOf(BudgetExceededError);
    await expect(m.complete(ask('c'), { role: 'task' })).resolves.toBeDefined();
  });

  it('records exact per-role token sums (real BPE counts) with labels', async () => {
    const answers: Record<string, string> = {
      task: 'Paris',
      backward: 'The answer lacks a reason.',
      optimizer: 'New prompt: think first.',
    };
    const inner = ScriptedModel.fn((_req, ctx) => answers[ctx?.role ?? 'task'] ?? '');
    const ledger = new UsageLedger();
    const m = managedModel(inner, { ledger, labels: { experiment: 'x' } });
    const plan: Array<[string, string, number]> = [
      ['task', 'Capital of France?', 0],
      ['task', 'Capital of Italy?', 0],
      ['backward', 'Judge: Paris', 0],
      ['optimizer', 'Improve the prompt', 1],
      ['task', 'Capital of Spain?', 1],
    ];
    const expected: Record<string, { calls: number; promptTokens: number; completionTokens: number }> = {};
    for (const [role, q, step] of plan) {
      await m.complete(ask(q), { role, labels: { step } });
      expected[role] ??= { calls: 0, promptTokens: 0, completionTokens: 0 };
      const e = expected[role];
      e.calls++;
      e.promptTokens += countMessageTokens(ask(q).messages);
      e.completionTokens += countTokens(answers[role]!);
    }
    const byRole = ledger.byRole();
    for (const [role, e] of Object.entries(expected)) expect(byRole[role]).toMatchObject(e);
    expect(ledger.byLabel('step')['1']?.calls).toBe(2);
    expect(ledger.entries.every((x) => x.labels.experiment === 'x')).toBe(true);
  });

  it('records a final failure in the ledger and releases the budget slot', async () => {
    const inner = ScriptedModel.sequence(['ok'], {
      fail: (i) => (i < 2 ? ProviderError.http('scripted:test', 401, 'bad key') : undefined),
    });
    const ledger = new UsageLedger();
    const budget = new Budget({ total: { calls: 1 } });
    const m = managedModel(inner, { ledger, budget, limits: { maxRetries: 0 } });
    await expect(m.complete(ask('Q'))).rejects.toBeInstanceOf(ModelCallError);
    await expect(m.complete(ask('Q'))).rejects.toBeInstanceOf(ModelCallError);
    await m.complete(ask('Q'));
    expect(ledger.totals()).toMatchObject({ calls: 1, failures: 2 });
    expect(budget.spent().total.calls).toBe(1);
  });
});

describe('managedModel with the real OpenAI provider', () => {
  it('never writes the API key into the cache file', async () => {
    const key = 'sk-live-DO-NOT-STORE-4b1d9e7a';
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = key;
    const server = await startChatServer();
    try {
      const cache = openCache();
      const ledger = new UsageLedger();
      const m = managedModel(createChatModel(`openai:secret-test@${server.baseURL}`), { cache, ledger });
      for (const q of ['first question', 'second question', 'first question'])
        await m.complete(ask(q, { seed: 1 }));
      expect(server.requests).toHaveLength(2);
      expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${key}`);
      cache.close();
      const path = join(dir, 'cache.sqlite');
      const bytes = Buffer.concat(
        [path, `${path}-wal`, `${path}-shm`].filter((p) => existsSync(p)).map((p) => readFileSync(p)),
      );
      // The search is meaningful: stored text is plain in the file...
      expect(bytes.includes('echo: second question')).toBe(true);
      // ...and the key is not there in any form.
      expect(bytes.includes(key)).toBe(false);
      expect(bytes.includes(Buffer.from(key).toString('base64'))).toBe(false);
      expect(bytes.includes('DO-NOT-STORE')).toBe(false);
      expect(JSON.stringify(ledger)).not.toContain('DO-NOT-STORE');
    } finally {
      await server.close();
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
  });
});

describe('managedModel: failed attempts without the retry layer', () => {
  it('charges a billed failure (malformed 2xx body) to ledger and budget, and a 503 not at all', async () => {
    const malformed = new MalformedResponseError('scripted:test', 'body is not valid JSON', '{"cho', {
      retryable: true,
    });
    const inner = ScriptedModel.sequence(['ok'], {
      fail: (i) =>
        i === 0 ? malformed : i === 1 ? ProviderError.http('scripted:test', 503, 'busy') : undefined,
    });
    const ledger = new UsageLedger();
    const budget = new Budget({});
    const m = managedModel(inner, { ledger, budget, limits: false });
    await expect(m.complete(ask('one'))).rejects.toBe(malformed);
    await expect(m.complete(ask('two'))).rejects.toThrow(/HTTP 503/);
    const prompt = countMessageTokens(ask('one').messages);
    expect(
      ledger.entries.map((e) => [
        e.attempts,
        e.failedAttempts,
        e.billedFailedAttempts,
        e.failedAttemptTokens,
      ]),
    ).toEqual([
      [1, 1, 1, prompt],
      [1, 1, 0, 0],
    ]);
    expect(budget.spent().total).toEqual({ calls: 1, tokens: prompt, usd: 0 });
  });
});
