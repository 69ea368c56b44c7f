import { type RoleUsage, UsageLedger } from '@llm-autodiff/llm';
import { expect, it } from 'vitest';
import { addUsage, diffUsage, pickUsage } from './usage';

it('a ledger summary and a training usage share one type, totalTokens included', () => {
  const ledger = new UsageLedger();
  const usage = { promptTokens: 10, completionTokens: 5, cachedTokens: 0, estimated: false };
  ledger.record({ role: 'task', model: 'm', usage, latencyMs: 1, cacheHit: false });
  ledger.record({ role: 'task', model: 'm', usage, latencyMs: 1, cacheHit: true });
  const byRole: Record<string, RoleUsage> = ledger.byRole();
  const picked = pickUsage(byRole);
  expect(picked.task).toEqual({
    calls: 1,
    cacheHits: 1,
    promptTokens: 10,
    completionTokens: 5,
    cachedTokens: 0,
    totalTokens: 15,
    cacheHitTokens: 15,
    latencyMs: 1,
  });
  expect(diffUsage(addUsage(picked, picked), picked).task?.totalTokens).toBe(15);
  // The cached tokens survive a checkpoint's sums, so requested = billed + cached after a resume too.
  expect(addUsage(picked, picked).task?.cacheHitTokens).toBe(30);
});

it('records written before totalTokens existed count it from prompt and completion tokens', () => {
  const old = { calls: 1, cacheHits: 0, promptTokens: 7, completionTokens: 3, cachedTokens: 0, latencyMs: 2 };
  expect(addUsage({ task: old as RoleUsage }, {}).task?.totalTokens).toBe(10);
});
