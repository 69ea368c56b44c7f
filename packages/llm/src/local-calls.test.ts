import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Budget } from './budget';
import { withBudget } from './budget-scope';
import { managedModel } from './managed-model';
import { ResponseCache } from './response-cache';
import { ruleModel } from './rule-model';
import { ScriptedModel } from './scripted-model';
import type { ChatRequest } from './types';
import { UsageLedger } from './usage-ledger';

const ask = (user: string, system = 'Label the message.'): ChatRequest => ({
  messages: [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ],
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('calls answered locally (rule models)', () => {
  it('a rule model is local; its calls count as calls of their role with zero tokens, marked local', async () => {
    const rules = ruleModel([{ when: 'Message:', answer: 'Urgency: low' }]);
    expect(rules.local).toBe(true);
    const ledger = new UsageLedger({ prices: { other: { input: 1, output: 1 } } });
    const model = managedModel(rules, { ledger });
    const response = await model.complete(ask('Message: the site is slow'), { role: 'task' });
    await model.complete(ask('Message: hello'));
    expect(response.text).toBe('Urgency: low');
    expect(response.usage).toMatchObject({ promptTokens: 0, completionTokens: 0 });
    expect(response.local).toBe(true);
    expect(ledger.entries.map((e) => [e.role, e.local, e.promptTokens, e.costUsd])).toEqual([
      ['task', true, 0, 0],
      ['task', true, 0, 0],
    ]);
    expect(ledger.byRole().task).toMatchObject({ calls: 2, localCalls: 2, totalTokens: 0, unpricedCalls: 0 });
  });

  it('a scripted model is billed-like unless asked to be local', async () => {
    const ledger = new UsageLedger();
    const billed = ScriptedModel.sequence(['yes'], { id: 'scripted:billed' });
    const local = ScriptedModel.sequence(['yes'], { id: 'scripted:local', local: true });
    expect(billed.local).toBeUndefined();
    expect(local.local).toBe(true);
    await managedModel(billed, { ledger }).complete(ask('Message: a'));
    await managedModel(local, { ledger }).complete(ask('Message: a'));
    const byModel = ledger.byModel();
    expect(byModel['scripted:billed']?.totalTokens).toBeGreaterThan(0);
    expect(byModel['scripted:billed']?.localCalls).toBeUndefined();
    expect(byModel['scripted:local']).toMatchObject({ calls: 1, localCalls: 1, totalTokens: 0 });
    expect(ledger.byRole().task).toMatchObject({ calls: 2, localCalls: 1 });
  });

  it('with a fallback, only the rule answers are local; fallback answers keep their tokens', async () => {
    const fallback = ScriptedModel.sequence(['from the fallback'], { id: 'scripted:big' });
    const rules = ruleModel([{ when: 'Message:', answer: 'Urgency: low' }], { fallback });
    expect(rules.local).toBeUndefined();
    const ledger = new UsageLedger();
    const model = managedModel(rules, { ledger });
    await model.complete(ask('Message: a'));
    await model.complete(ask('something else'), { role: 'backward' });
    const byRole = ledger.byRole();
    expect(byRole.task).toMatchObject({ calls: 1, localCalls: 1, totalTokens: 0 });
    expect(byRole.backward?.localCalls).toBeUndefined();
    expect(byRole.backward?.totalTokens).toBeGreaterThan(0);
  });

  it('budgets count local calls as calls but charge no tokens, and a dollar limit needs no price for them', async () => {
    const budget = new Budget({
      total: { calls: 3, tokens: 1, usd: 0.001 },
      prices: { 'scripted:test': { input: 1, output: 1 } },
    });
    const model = managedModel(ruleModel([{ when: 'Message:', answer: 'Urgency: low' }]));
    await withBudget(budget, async () => {
      for (const m of ['a', 'b', 'c']) await model.complete(ask(`Message: ${m}`));
    });
    expect(budget.spent().total).toEqual({ calls: 3, tokens: 0, usd: 0 });
    await expect(withBudget(budget, () => model.complete(ask('Message: d')))).rejects.toThrow(/calls/);
  });

  it('a local model bypasses the response cache, so edited rules answer at once, replay included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llm-local-'));
    dirs.push(dir);
    const path = join(dir, 'cache.sqlite');
    const cache = new ResponseCache({ path, mode: 'read-write' });
    const ledger = new UsageLedger();
    await managedModel(ruleModel([{ when: 'Message:', answer: 'old' }]), { cache, ledger }).complete(
      ask('Message: a'),
    );
    cache.close();
    const readOnly = new ResponseCache({ path, mode: 'read-only' });
    try {
      const edited = managedModel(ruleModel([{ when: 'Message:', answer: 'new' }]), {
        cache: readOnly,
        ledger,
      });
      expect((await edited.complete(ask('Message: a'))).text).toBe('new');
    } finally {
      readOnly.close();
    }
    expect(ledger.byRole().task).toMatchObject({ calls: 2, localCalls: 2, cacheHits: 0 });
  });
});
