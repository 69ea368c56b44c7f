/**
 * Issue 21, case 8: the faults a client meets over HTTP come at the rates the flags set. 2,400 requests
 * with distinct bodies, each classified by what the client received (429, 500, a body cut short, a body
 * that is not JSON, no answer at all); every kind must be within four standard deviations of its rate,
 * and so must all faults together. The schedule is a hash of (seed, body, attempt), so the counts are
 * the same on every run: the bound is about the flag's meaning, not about flakiness.
 */
import { TAGS, tag } from '@llm-autodiff/llm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROMPTS } from './calibration';
import { type SimServer, startSimServer } from './server';
import type { FaultRates } from './server-faults';
import { describeWithData } from './test-data';

const N = 2400;
const RATES = {
  rate429: 0.05,
  rate500: 0.03,
  timeout: 0.04,
  truncated: 0.05,
  nonJson: 0.03,
} satisfies FaultRates;
type Kind = 'ok' | '429' | '500' | 'timeout' | 'truncated' | 'nonJson';
const KIND_OF_RATE: Record<keyof typeof RATES, Kind> = {
  rate429: '429',
  rate500: '500',
  timeout: 'timeout',
  truncated: 'truncated',
  nonJson: 'nonJson',
};

const body = (i: number) =>
  JSON.stringify({
    model: 'sim:task',
    messages: [
      { role: 'system', content: PROMPTS.objectCount.start },
      {
        role: 'user',
        content: tag(TAGS.task.question, `I have ${i} apples and a plum. How many fruits do I have?`),
      },
    ],
  });

async function classify(server: SimServer, text: string): Promise<Kind> {
  try {
    const r = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: text,
    });
    const t = await r.text();
    if (r.status === 429 || r.status === 500) return String(r.status) as Kind;
    expect(r.status).toBe(200);
    try {
      JSON.parse(t);
      return 'ok';
    } catch {
      return t.startsWith('<html>') ? 'nonJson' : 'truncated';
    }
  } catch {
    // The connection was never answered and is cut when the server closes: an injected timeout.
    return 'timeout';
  }
}

describeWithData('sim server fault rates over HTTP', () => {
  let server: SimServer;
  beforeAll(async () => {
    server = await startSimServer({ faults: RATES, retryAfterSeconds: 0, seed: 5 });
  });
  afterAll(() => server.close());

  it(`${N} requests: each fault kind at its flag's rate within sampling error`, async () => {
    const counts: Record<Kind, number> = { ok: 0, '429': 0, '500': 0, timeout: 0, truncated: 0, nonJson: 0 };
    const pending: Promise<void>[] = [];
    // 32 requests in flight; a request not answered within 1 s frees its slot (it may be a timeout
    // fault, which is never answered) but stays pending until the server closes.
    let next = 0;
    const worker = async () => {
      while (next < N) {
        const done = classify(server, body(next++)).then((k) => {
          counts[k]++;
        });
        pending.push(done);
        await Promise.race([done, new Promise((r) => setTimeout(r, 1000))]);
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    // Every answered request settles; what is left hangs for good: closing cuts it.
    await waitUntil(
      () => Object.values(counts).reduce((a, b) => a + b, 0) + (server.stats.faults.timeout ?? 0) >= N,
    );
    await server.close();
    await Promise.all(pending);

    expect(server.stats.requests).toBe(N);
    const within = (observed: number, rate: number, what: string) => {
      const sd = Math.sqrt(N * rate * (1 - rate));
      expect(
        Math.abs(observed - N * rate),
        `${what}: ${observed} of ${N} at rate ${rate}`,
      ).toBeLessThanOrEqual(4 * sd);
    };
    for (const [flag, rate] of Object.entries(RATES) as Array<[keyof typeof RATES, number]>)
      within(counts[KIND_OF_RATE[flag]], rate, flag);
    const total = Object.values(RATES).reduce((a, b) => a + b, 0);
    within(N - counts.ok, total, 'all faults');
  }, 300_000);
});

async function waitUntil(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((r) => setTimeout(r, 50));
}
