import { createChatModel, TAGS, tag } from '@llm-autodiff/llm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROMPTS } from './calibration';
import { type SimServer, startSimServer } from './server';
import { createSimModel } from './sim-model';
import { describeWithData } from './test-data';

const body = (question: string, model = 'sim:task') =>
  JSON.stringify({
    model,
    messages: [
      { role: 'system', content: PROMPTS.objectCount.start },
      { role: 'user', content: tag(TAGS.task.question, question) },
    ],
  });
const Q = 'I have a cat, two dogs, and a piano. How many animals do I have?';

async function post(server: SimServer, text: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${server.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: text,
    signal,
  });
}

describeWithData('sim server (no faults)', () => {
  let server: SimServer;
  beforeAll(async () => {
    server = await startSimServer({ port: 0 });
  });
  afterAll(() => server.close());

  it('lists models', async () => {
    const r = await fetch(`${server.url}/models`);
    const j = (await r.json()) as { data: { id: string }[] };
    expect(j.data.map((d) => d.id)).toEqual(['sim:task', 'sim:teacher', 'sim:large']);
  });

  it('answers chat completions with usage, like the in-process model', async () => {
    const r = await post(server, body(Q));
    expect(r.status).toBe(200);
    const j = (await r.json()) as {
      choices: { message: { content: string } }[];
      usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    };
    expect(j.choices[0]?.message.content).toMatch(/Answer: \d+$/);
    expect(j.usage.prompt_tokens).toBeGreaterThan(20);
    expect(j.usage.total_tokens).toBe(j.usage.prompt_tokens + j.usage.completion_tokens);
  });

  it("works through the project's OpenAI-compatible provider (the openai client path)", async () => {
    const model = createChatModel(`openai:sim:task@${server.url}`, { env: {}, timeoutMs: 5000 });
    const request = {
      messages: [
        { role: 'system' as const, content: PROMPTS.objectCount.start },
        { role: 'user' as const, content: tag(TAGS.task.question, Q) },
      ],
    };
    const viaHttp = await model.complete(request);
    const inProcess = await createSimModel('task').complete(request);
    expect(viaHttp.text).toBe(inProcess.text);
    expect(viaHttp.usage.promptTokens).toBe(inProcess.usage.promptTokens);
    expect(viaHttp.usage.completionTokens).toBe(inProcess.usage.completionTokens);
    expect(viaHttp.usage.estimated).toBe(false);
  });

  it('rejects bad input with clear OpenAI-style errors', async () => {
    const bad = await post(server, '{not json');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/not valid JSON/);
    const unknown = await post(server, body(Q, 'gpt-9'));
    expect(unknown.status).toBe(404);
    const noMsgs = await post(server, JSON.stringify({ model: 'sim:task', messages: [] }));
    expect(((await noMsgs.json()) as { error: { message: string } }).error.message).toMatch(/messages/);
    expect((await fetch(`${server.url}/nothing`)).status).toBe(404);
    // A JSON body sent as text/plain, or with no type, is refused (issue 21, case 7).
    for (const type of ['text/plain', undefined]) {
      const r = await fetch(`${server.url}/chat/completions`, {
        method: 'POST',
        headers: type ? { 'content-type': type } : {},
        body: new Blob([body(Q)]),
      });
      const j = (await r.json()) as { error: { code: string; message: string } };
      expect([r.status, j.error.code], String(type)).toEqual([415, 'unsupported_media_type']);
      expect(j.error.message).toMatch(/^content-type must be application\/json, got /);
    }
    // Malformed parts are the client's error (400), never a 500 carrying an internal TypeError.
    const hi = [{ role: 'user', content: 'hi' }];
    for (const [text, code] of [
      [JSON.stringify({ model: 'sim:task', messages: [null] }), 'invalid_messages'],
      [
        JSON.stringify({ model: 'sim:task', messages: [{ role: 'user', content: [null] }] }),
        'invalid_content',
      ],
      // Codes name the kind of fault, `param` the field (OpenAI's shape).
      [JSON.stringify({ model: 'sim:task', messages: hi, n: 2.5 }), 'invalid_type'],
      [JSON.stringify({ model: 'sim:task', messages: hi, n: 1e6 }), 'invalid_value'],
      ['null', 'invalid_body'],
    ] as const) {
      const r = await post(server, text);
      const j = (await r.json()) as { error: { type: string; code: string; message: string } };
      expect([r.status, j.error.type, j.error.code], text).toEqual([400, 'invalid_request_error', code]);
      expect(j.error.message).not.toMatch(/\n\s+at /);
    }
  });

  it('closes while a simulated latency is in flight, without waiting it out', async () => {
    const slow = await startSimServer({ latency: { 'sim:task': { baseMs: 10_000, perOutputTokenMs: 0 } } });
    const pending = post(slow, body(Q)).catch(() => 'closed');
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await slow.close();
    expect(await pending).toBe('closed');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('records each answered completion’s time in the server, its latency included, and only those', async () => {
    const timed = await startSimServer({ latency: { 'sim:task': { baseMs: 40, perOutputTokenMs: 0 } } });
    try {
      await Promise.all(
        [post(timed, body(Q)), post(timed, body(`${Q} `))].map(async (r) => (await r).text()),
      );
      expect((await post(timed, '{not json')).status).toBe(400);
      const service = timed.stats.serviceMicros;
      expect(service.count).toBe(2);
      // Timers run on the event loop's millisecond clock: one may fire up to 1 ms early by performance.now().
      expect(service.min).toBeGreaterThanOrEqual(39_000);
      service.reset();
      expect(service.count).toBe(0);
    } finally {
      await timed.close();
    }
  });
});

describeWithData('sim server fault injection', () => {
  let server: SimServer;
  beforeAll(async () => {
    server = await startSimServer({
      faults: { rate429: 0.2, rate500: 0.1, timeout: 0.1, truncated: 0.1, nonJson: 0.1 },
      retryAfterSeconds: 0,
    });
  });
  afterAll(() => server.close());

  it('injects each fault at roughly its rate, deterministically, and retries can succeed', async () => {
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < 60; i++) {
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(), 300);
      let kind: string;
      try {
        const r = await post(server, body(`${Q} #${i}`), ctl.signal);
        const text = await r.text();
        if (r.status === 429) {
          expect(r.headers.get('retry-after')).toBe('0');
          kind = '429';
        } else if (r.status === 500) kind = '500';
        else {
          try {
            JSON.parse(text);
            kind = 'ok';
          } catch {
            kind = text.startsWith('<html>') ? 'nonJson' : 'truncated';
          }
        }
      } catch {
        kind = 'timeout';
      } finally {
        clearTimeout(timer);
      }
      outcomes[kind] = (outcomes[kind] ?? 0) + 1;
    }
    for (const k of ['ok', '429', '500', 'timeout', 'truncated', 'nonJson'])
      expect(outcomes[k], k).toBeGreaterThan(0);
    expect(outcomes.ok).toBeGreaterThan(15);
    // The same body retried until it succeeds: faults are per attempt, so it does.
    let ok = false;
    for (let attempt = 0; attempt < 10 && !ok; attempt++) {
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(), 300);
      try {
        const r = await post(server, body(Q), ctl.signal);
        const t = await r.text();
        ok = r.status === 200 && t.startsWith('{') && JSON.parse(t) !== null;
      } catch {
        ok = false;
      } finally {
        clearTimeout(timer);
      }
    }
    expect(ok).toBe(true);
  });

  it('validates fault rates', async () => {
    await expect(startSimServer({ faults: { rate429: 0.8, rate500: 0.5 } })).rejects.toThrow(
      /add up to 1.300/,
    );
    await expect(startSimServer({ faults: { timeout: -1 } })).rejects.toThrow(
      /"timeout" must be a number in \[0, 1\]/,
    );
  });
});
