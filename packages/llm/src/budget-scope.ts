/**
 * Budgets that follow an async call chain. Every managed model called inside `withBudget(budget, fn)`
 * answers to `budget` as well as to its own, so a caller can limit a piece of work (a training run)
 * without owning the models it calls. Scopes nest: an inner call answers to every enclosing budget.
 * Only managed models are metered: a raw provider model has no budget, cache or ledger.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Budget, Reservation } from './budget';
import type { CallRole, TokenUsage } from './types';

const scope = new AsyncLocalStorage<readonly Budget[]>();

/** Runs `fn` with `budget` added to the budgets of every managed-model call it makes. */
export function withBudget<T>(budget: Budget, fn: () => Promise<T>): Promise<T> {
  return scope.run([...(scope.getStore() ?? []), budget], fn);
}

/** The budgets of the enclosing `withBudget` scopes, outermost first. */
export function scopedBudgets(): readonly Budget[] {
  return scope.getStore() ?? [];
}

/** One call's admission by several budgets: settled by all of them together. */
export interface Admission {
  commit(usage: TokenUsage): void;
  cancel(): void;
  chargeFailedAttempts(attempts: number, usage: TokenUsage): void;
}

/**
 * Admits a call by `own` (a model's budget) and by the scoped budgets, each budget once. All or none:
 * when one refuses, the slots the others reserved are released before the refusal is thrown.
 * `local`: the model answers on this machine (it needs no price under a dollar limit).
 */
export function admitCall(
  own: Budget | undefined,
  role: CallRole,
  modelId: string,
  options: { local?: boolean } = {},
): Admission {
  const budgets = [...new Set([own, ...scopedBudgets()])].filter((b): b is Budget => b !== undefined);
  const held: Array<[Budget, Reservation]> = [];
  try {
    for (const b of budgets) held.push([b, b.admit(role, modelId, options)]);
  } catch (error) {
    for (const [b, r] of held) b.cancel(r);
    throw error;
  }
  return {
    commit: (usage) => {
      for (const [b, r] of held) b.commit(r, usage);
    },
    cancel: () => {
      for (const [b, r] of held) b.cancel(r);
    },
    chargeFailedAttempts: (attempts, usage) => {
      for (const b of budgets) b.chargeFailedAttempts(role, modelId, attempts, usage);
    },
  };
}

/** A cache hit inside the scoped budgets (free): their spend observers count it apart. */
export function noteCacheHit(own: Budget | undefined, role: CallRole, modelId: string): void {
  for (const b of new Set([own, ...scopedBudgets()])) b?.cacheHit(role, modelId);
}
