import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Budget } from './budget';
import { withBudget } from './budget-scope';
import { BudgetExceededError } from './errors';
import { managedModel } from './managed-model';
import { ResponseCache } from './response-cache';
import { ScriptedModel } from './scripted-model';
import type { ChatRequest } from './types';

const ask = (q: string): ChatRequest => ({ messages: [{ role: 'user', content: q }] });
const echo = () => ScriptedModel.fn((req) => `re: ${req.messages.at(-1)?.content}`);

describe('withBudget', () => {
  it('meters the managed-model calls made inside it, and only those', async () => {
    const inner = echo();
    const m = managedModel(inner, { limits: false });
    const run = new Budget({ total: { calls: 2 } });
    await m.complete(ask('before'));
    await withBudget(run, async () => {
      await Promise.all([m.complete(ask('a')), m.complete(ask('b'), { role: 'backward' })]);
      await expect(m.complete(ask('c'))).rejects.toThrow(BudgetExceededError);
    });
    await m.complete(ask('after'));
    expect(inner.calls).toHaveLength(4);
    expect(run.spent().total.calls).toBe(2);
    expect(Object.keys(run.spent().byRole).sort()).toEqual(['backward', 'task']);
  });

  it('cache hits are free inside a spent scope', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'budget-scope-'));
    const cache = new ResponseCache({ path: join(dir, 'cache.sqlite') });
    try {
      const m = managedModel(echo(), { cache, limits: false });
      await m.complete(ask('cached'));
      const spent = new Budget({ total: { calls: 0 } });
      const hit = await withBudget(spent, () => m.complete(ask('cached')));
      expect(hit.cacheHit).toBe(true);
      expect(spent.spent().total.calls).toBe(0);
    } finally {
      cache.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a call answers to its model's budget and every enclosing scope, each once", async () => {
    const own = new Budget({});
    const outer = new Budget({});
    const inner = new Budget({});
    const m = managedModel(echo(), { budget: own, limits: false });
    await withBudget(outer, () => withBudget(inner, () => withBudget(own, () => m.complete(ask('x')))));
    for (const b of [own, outer, inner]) expect(b.spent().total.calls).toBe(1);
  });

  it("a refusal by the scope releases the slot the model's own budget reserved", async () => {
    const own = new Budget({ total: { calls: 1 } });
    const m = managedModel(echo(), { budget: own, limits: false });
    await expect(withBudget(new Budget({ total: { calls: 0 } }), () => m.complete(ask('x')))).rejects.toThrow(
      /total calls limit 0/,
    );
    // Had the refused call kept its reservation, the model's one-call budget would refuse this one.
    await expect(m.complete(ask('y'))).resolves.toMatchObject({ text: 're: y' });
  });
});
