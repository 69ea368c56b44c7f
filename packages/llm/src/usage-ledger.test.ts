import { describe, expect, it } from 'vitest';
import { UsageLedger } from './usage-ledger';

const usage = (p: number, c: number, cached = 0, estimated = false) => ({
  promptTokens: p,
  completionTokens: c,
  cachedTokens: cached,
  estimated,
});

describe('UsageLedger', () => {
  it('sums per role, per model, per label and in total; hits apart and free', () => {
    const ledger = new UsageLedger({ labels: { experiment: 'e1' } });
    ledger.record({
      role: 'task',
      model: 'a',
      usage: usage(100, 10),
      latencyMs: 5,
      cacheHit: false,
      labels: { step: 0 },
    });
    ledger.record({
      role: 'task',
      model: 'a',
      usage: usage(50, 5, 20),
      latencyMs: 7,
      cacheHit: false,
      labels: { step: 1 },
    });
    ledger.record({
      role: 'backward',
      model: 'b',
      usage: usage(300, 30, 0, true),
      latencyMs: 9,
      cacheHit: false,
      labels: { step: 1 },
    });
    ledger.record({
      role: 'task',
      model: 'a',
      usage: usage(100, 10),
      latencyMs: 0.1,
      cacheHit: true,
      labels: { step: 1 },
    });
    ledger.recordFailure({ role: 'optimizer', model: 'b', latencyMs: 3, error: 'ModelCallError: boom' });

    const t = ledger.totals();
    expect(t).toMatchObject({
      calls: 3,
      promptTokens: 450,
      completionTokens: 45,
      cachedTokens: 20,
      totalTokens: 495,
      estimatedCalls: 1,
      // time in requests: the failed call's 3 ms count, the cache hit's lookup does not
      latencyMs: 24,
      cacheHits: 1,
      cacheHitTokens: 110,
      failures: 1,
    });
    expect(ledger.byRole().task).toMatchObject({
      calls: 2,
      promptTokens: 150,
      completionTokens: 15,
      cacheHits: 1,
    });
    expect(ledger.byRole().backward).toMatchObject({ calls: 1, totalTokens: 330 });
    expect(ledger.byRole().optimizer).toMatchObject({ calls: 0, failures: 1, totalTokens: 0 });
    // The running totals agree with a recount over the entries, and callers get copies.
    expect(t).toEqual(ledger.summary());
    expect(ledger.byRole().task).toEqual(ledger.summary((e) => e.role === 'task'));
    t.calls = 99;
    ledger.byRole().task!.calls = 99;
    expect(ledger.totals().calls).toBe(3);
    expect(ledger.byRole().task!.calls).toBe(2);
    expect(ledger.byModel().b).toMatchObject({ calls: 1, failures: 1 });
    expect(ledger.byLabel('step')['1']).toMatchObject({ calls: 2, totalTokens: 385, cacheHits: 1 });
    expect(ledger.byLabel('step')['0']).toMatchObject({ calls: 1, totalTokens: 110 });
    expect(ledger.byLabel('experiment').e1?.calls).toBe(3);
    expect(ledger.entries.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
  });

  it('prices calls with a table (cached input at its own rate) and counts unpriced ones', () => {
    const ledger = new UsageLedger({
      prices: { 'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 } },
    });
    ledger.record({
      model: 'openai:gpt-4o-mini',
      usage: usage(1_000_000, 1_000_000, 400_000),
      latencyMs: 1,
      cacheHit: false,
    });
    ledger.record({ model: 'openai:gpt-4o-mini', usage: usage(1_000_000, 0), latencyMs: 1, cacheHit: true });
    ledger.record({ model: 'openai:other', usage: usage(10, 10), latencyMs: 1, cacheHit: false });
    const t = ledger.totals();
    expect(t.costUsd).toBeCloseTo(0.6 * 0.15 + 0.4 * 0.075 + 0.6, 10);
    expect(t.unpricedCalls).toBe(1);
    expect(ledger.entries[1]?.costUsd).toBe(0);
  });

  it('rejects a bad price table naming the field', () => {
    expect(() => new UsageLedger({ prices: { m: { input: -1, output: 1 } } })).toThrow(
      /m\.input must be a number >= 0/,
    );
  });

  it('exports JSON and notifies subscribers', () => {
    const ledger = new UsageLedger({ now: () => new Date('2026-01-01T00:00:00Z') });
    const seen: number[] = [];
    const off = ledger.subscribe((e) => seen.push(e.seq));
    ledger.record({ role: 'teacher', model: 'a', usage: usage(1, 2), latencyMs: 3, cacheHit: false });
    off();
    ledger.record({ role: 'teacher', model: 'a', usage: usage(1, 2), latencyMs: 3, cacheHit: false });
    const json = JSON.parse(JSON.stringify(ledger));
    expect(json.entries[0]).toMatchObject({
      at: '2026-01-01T00:00:00.000Z',
      role: 'teacher',
      promptTokens: 1,
    });
    expect(json.byRole.teacher.totalTokens).toBe(6);
    expect(seen).toEqual([0]);
  });
});
