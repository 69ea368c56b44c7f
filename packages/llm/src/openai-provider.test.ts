import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ChatServer, completionBody, type Reply, startChatServer } from '../testing/chat-server';
import { MalformedResponseError, ModelCallError, ProviderError } from './errors';
import { createChatModel } from './registry';
import { withResilience } from './resilience';
import { countMessageTokens, countTokens } from './tokenizer';
import type { ChatMessage, ChatModel } from './types';

const KEY = 'sk-test-provider-7f3a9c2e1b';
const env = { OPENAI_API_KEY: KEY };
const messages: ChatMessage[] = [
  { role: 'system', content: 'You answer briefly.' },
  { role: 'user', content: 'What is 2 + 2?' },
];

let server: ChatServer;
beforeEach(async () => {
  server = await startChatServer();
});
afterEach(async () => {
  await server.close();
});

function model(): ChatModel {
  return createChatModel(`openai:test-model@${server.baseURL}`, { env });
}

/** Replies in order, then repeats the last one. */
function replies(...list: Reply[]): void {
  server.setResponder((_req, i) => list[Math.min(i, list.length - 1)]!);
}

/** Resilience with recorded, instant sleeps and no jitter. */
function resilient(inner: ChatModel, extra: { maxRetries?: number; timeoutMs?: number } = {}) {
  const sleeps: number[] = [];
  const m = withResilience(inner, {
    maxRetries: extra.maxRetries ?? 3,
    timeoutMs: extra.timeoutMs ?? 5_000,
    baseDelayMs: 100,
    random: () => 0,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { m, sleeps };
}

async function failure(p: Promise<unknown>): Promise<ModelCallError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ModelCallError);
  return e as ModelCallError;
}

describe('OpenAI-compatible provider against a real HTTP server', () => {
  it('sends the chat-completions request shape with every mapped option and the key as a bearer token', async () => {
    replies({
      kind: 'json',
      body: completionBody({ contents: ['4', 'four'], usage: { prompt: 21, completion: 3 } }),
    });
    const res = await model().complete({
      messages,
      options: {
        temperature: 0.3,
        maxTokens: 50,
        topP: 0.9,
        seed: 7,
        n: 2,
        stop: ['\n\n'],
        responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true },
      },
    });
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.body).toEqual({
      model: 'test-model',
      messages,
      temperature: 0.3,
      max_tokens: 50,
      top_p: 0.9,
      seed: 7,
      n: 2,
      stop: ['\n\n'],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', schema: { type: 'object' }, strict: true },
      },
    });
    expect(res.text).toBe('4');
    expect(res.choices).toEqual(['4', 'four']);
    expect(res.cacheHit).toBe(false);
    expect(res.finishReason).toBe('stop');
  });

  it('sends no optional parameter that was not asked for, and json_object when asked', async () => {
    await model().complete({ messages, options: { responseFormat: { type: 'json_object' } } });
    expect(server.requests[0]!.body).toEqual({
      model: 'test-model',
      messages,
      response_format: { type: 'json_object' },
    });
  });

  it('reports the server usage, including provider-cached prompt tokens', async () => {
    replies({
      kind: 'json',
      body: completionBody({ usage: { prompt: 1200, completion: 40, cached: 1024 } }),
    });
    const res = await model().complete({ messages });
    expect(res.usage).toEqual({
      promptTokens: 1200,
      completionTokens: 40,
      cachedTokens: 1024,
      estimated: false,
    });
  });

  it('counts tokens itself and marks them estimated when the server returns no usage', async () => {
    const answer = 'The answer is four, because two plus two makes four.';
    replies({ kind: 'json', body: completionBody({ contents: [answer], usage: null }) });
    const res = await model().complete({ messages });
    expect(res.usage).toEqual({
      promptTokens: countMessageTokens(messages),
      completionTokens: countTokens(answer),
      cachedTokens: 0,
      estimated: true,
    });
    expect(res.usage.completionTokens).toBeGreaterThan(5);
  });

  it('retries a 429 after the Retry-After seconds, then succeeds', async () => {
    replies(
      {
        kind: 'json',
        status: 429,
        headers: { 'retry-after': '2' },
        body: { error: { message: 'rate limited' } },
      },
      { kind: 'json', body: completionBody({ contents: ['after wait'] }) },
    );
    const { m, sleeps } = resilient(model());
    const res = await m.complete({ messages });
    expect(res.text).toBe('after wait');
    expect(server.requests).toHaveLength(2);
    expect(sleeps).toEqual([2000]);
  });

  it('prefers retry-after-ms over Retry-After', async () => {
    replies(
      { kind: 'json', status: 429, headers: { 'retry-after-ms': '1500', 'retry-after': '9' }, body: {} },
      { kind: 'json', body: completionBody() },
    );
    const { m, sleeps } = resilient(model());
    await m.complete({ messages });
    expect(sleeps).toEqual([1500]);
  });

  it('honors Retry-After given as an HTTP date', async () => {
    const at = new Date(Date.now() + 5000).toUTCString(); // whole seconds: 4-5 s from now
    replies(
      { kind: 'json', status: 503, headers: { 'retry-after': at }, body: {} },
      { kind: 'json', body: completionBody() },
    );
    const { m, sleeps } = resilient(model());
    await m.complete({ messages });
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(3000);
    expect(sleeps[0]).toBeLessThanOrEqual(5000);
  });

  it('retries 500s with exponential backoff', async () => {
    replies(
      { kind: 'json', status: 500, body: { error: { message: 'boom' } } },
      { kind: 'json', status: 502, body: { error: { message: 'bad gateway' } } },
      { kind: 'json', body: completionBody({ contents: ['third time'] }) },
    );
    const { m, sleeps } = resilient(model());
    const res = await m.complete({ messages });
    expect(res.text).toBe('third time');
    expect(server.requests).toHaveLength(3);
    // equal jitter with random() = 0: half of 100, then half of 200
    expect(sleeps).toEqual([50, 100]);
  });

  it('gives up with a ModelCallError naming attempts and last status once retries are spent', async () => {
    replies({ kind: 'json', status: 503, body: { error: { message: 'overloaded' } } });
    const { m, sleeps } = resilient(model(), { maxRetries: 2 });
    const e = await failure(m.complete({ messages }));
    expect(e.attempts).toBe(3);
    expect(e.lastStatus).toBe(503);
    expect(e.lastKind).toBe('http');
    expect(e.message).toMatch(/gave up after 3 attempts/);
    expect(e.message).toContain('503');
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it.each([400, 401, 404])('does not retry HTTP %i', async (status) => {
    replies({ kind: 'json', status, body: { error: { message: 'no' } } });
    const { m, sleeps } = resilient(model());
    const e = await failure(m.complete({ messages }));
    expect(e.attempts).toBe(1);
    expect(e.lastStatus).toBe(status);
    expect(e.message).toMatch(/not retryable/);
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('times out a hanging server per attempt and retries, then reports a timeout', async () => {
    replies({ kind: 'hang' });
    const { m } = resilient(model(), { maxRetries: 1, timeoutMs: 150 });
    const started = Date.now();
    const e = await failure(m.complete({ messages }));
    expect(e.lastKind).toBe('timeout');
    expect(e.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('recovers when a timed-out attempt is followed by a fast one', async () => {
    replies({ kind: 'hang' }, { kind: 'json', body: completionBody({ contents: ['fast'] }) });
    // generous: the second attempt must finish within it even on a loaded machine
    const { m } = resilient(model(), { timeoutMs: 1000 });
    expect((await m.complete({ messages })).text).toBe('fast');
  });

  it('retries a connection reset', async () => {
    replies({ kind: 'reset' }, { kind: 'json', body: completionBody({ contents: ['reconnected'] }) });
    await expect(model().complete({ messages })).rejects.toMatchObject({
      kind: 'connection',
      retryable: true,
    });
    server.requests.length = 0; // the responder counts from the start again
    const { m } = resilient(model());
    expect((await m.complete({ messages })).text).toBe('reconnected');
    expect(server.requests).toHaveLength(2);
  });

  it('treats a body cut mid-way as a connection failure and retries', async () => {
    const full = JSON.stringify(completionBody());
    replies(
      { kind: 'cut', body: full.slice(0, 30), declaredLength: full.length },
      { kind: 'json', body: completionBody({ contents: ['whole'] }) },
    );
    await expect(model().complete({ messages })).rejects.toMatchObject({
      kind: 'connection',
      retryable: true,
    });
    server.requests.length = 0; // the responder counts from the start again
    const { m } = resilient(model());
    expect((await m.complete({ messages })).text).toBe('whole');
    expect(server.requests).toHaveLength(2);
  });

  it('reports truncated JSON as a MalformedResponseError with an excerpt (retryable)', async () => {
    const full = JSON.stringify(completionBody());
    replies({ kind: 'raw', body: full.slice(0, 40) });
    const { m } = resilient(model(), { maxRetries: 1 });
    const e = await failure(m.complete({ messages }));
    expect(e.attempts).toBe(2);
    expect(e.lastKind).toBe('malformed');
    expect(e.cause).toBeInstanceOf(MalformedResponseError);
    expect((e.cause as MalformedResponseError).bodyExcerpt).toBe(full.slice(0, 40));
    expect(e.message).toMatch(/not valid JSON/);
  });

  it('reports JSON of the wrong shape as malformed and does not retry it', async () => {
    replies({ kind: 'json', body: { result: 'hello' } });
    const { m } = resilient(model());
    const e = await failure(m.complete({ messages }));
    expect(e.attempts).toBe(1);
    expect(e.message).toMatch(/"choices" is missing/);
  });

  it('obeys x-should-retry: false even on a 500', async () => {
    replies({ kind: 'json', status: 500, headers: { 'x-should-retry': 'false' }, body: {} });
    const { m } = resilient(model());
    expect((await failure(m.complete({ messages }))).attempts).toBe(1);
  });

  it('keeps at most `concurrency` requests in flight at the server', async () => {
    let inFlight = 0;
    let peak = 0;
    server.setResponder(async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 40));
      inFlight--;
      return { kind: 'json', body: completionBody() };
    });
    const m = withResilience(model(), { concurrency: 2 });
    await Promise.all(Array.from({ length: 6 }, (_, i) => m.complete({ messages, options: { seed: i } })));
    expect(server.requests).toHaveLength(6);
    expect(peak).toBe(2);
  });

  it('never puts the API key in an error message, even when the server echoes it', async () => {
    server.setResponder((req) => ({
      kind: 'json',
      status: 401,
      body: { error: { message: `invalid key ${String(req.headers.authorization)}` } },
    }));
    const e = await model()
      .complete({ messages })
      .then(
        () => undefined,
        (err: unknown) => err as Error,
      );
    expect(e).toBeInstanceOf(ProviderError);
    expect(e?.message).toContain('[redacted]');
    expect(e?.message).not.toContain(KEY);
  });

  it('aborts when the caller aborts, without retrying', async () => {
    const controller = new AbortController();
    // abort once the server has the request, so the test does not depend on timing
    server.setResponder(() => {
      controller.abort();
      return { kind: 'hang' };
    });
    const { m } = resilient(model());
    const e = await failure(m.complete({ messages }, { signal: controller.signal }));
    expect(e.lastKind).toBe('aborted');
    expect(server.requests).toHaveLength(1);
  });
});
