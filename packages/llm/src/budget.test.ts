import { describe, expect, it } from 'vitest';
import { Budget } from './budget';
import { BudgetExceededError } from './errors';

const u = (p: number, c: number) => ({
  promptTokens: p,
  completionTokens: c,
  cachedTokens: 0,
  estimated: false,
});

function refusal(f: () => unknown): BudgetExceededError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(BudgetExceededError);
    return e as BudgetExceededError;
  }
  throw new Error('expected a BudgetExceededError');
}

describe('Budget', () => {
  it('refuses the call after the call limit, counting calls in flight', () => {
    const b = new Budget({ total: { calls: 2 } });
    const r1 = b.admit('task', 'm');
    b.admit('task', 'm'); // still in flight
    const e = refusal(() => b.admit('task', 'm'));
    expect(e).toMatchObject({ scope: 'total', budget: 'calls', limit: 2, spent: 2 });
    b.cancel(r1); // e.g. a cache hit: frees the slot
    expect(() => b.admit('task', 'm')).not.toThrow();
  });

  it('lets the call that crosses a token limit finish and refuses the next, per role', () => {
    const b = new Budget({ perRole: { backward: { tokens: 100 } } });
    b.commit(b.admit('backward', 'm'), u(60, 30));
    b.commit(b.admit('backward', 'm'), u(10, 5)); // 105 > 100 after this one
    const e = refusal(() => b.admit('backward', 'm'));
    expect(e).toMatchObject({ scope: 'role:backward', budget: 'tokens', limit: 100, spent: 105 });
    expect(e.message).toBe('budget exceeded: role:backward tokens limit 100 reached (spent 105)');
    expect(() => b.admit('task', 'm')).not.toThrow();
    expect(b.spent().byRole.backward).toEqual({ calls: 2, tokens: 105, usd: 0 });
  });

  it('enforces dollars with a price table and demands prices for dollar limits', () => {
    const prices = { m: { input: 1, output: 2 } };
    const b = new Budget({ total: { usd: 0.001 }, prices });
    b.commit(b.admit('task', 'openai:m'), u(400, 300)); // 0.0004 + 0.0006 = 0.001
    expect(refusal(() => b.admit('task', 'openai:m'))).toMatchObject({ budget: 'usd', limit: 0.001 });
    expect(() => new Budget({ total: { usd: 1 } })).toThrow(/total\.usd is set but no price table/);
    expect(() => new Budget({ total: { usd: 1 }, prices }).admit('task', 'openai:unpriced')).toThrow(
      /no entry for openai:unpriced/,
    );
    expect(() => new Budget({ perRole: { task: { calls: -1 } } })).toThrow(
      /perRole\.task\.calls must be a number >= 0/,
    );
  });

  it('settles a reservation only once', () => {
    const b = new Budget({ total: { calls: 5 } });
    const r = b.admit('task', 'm');
    b.commit(r, u(1, 1));
    b.commit(r, u(1, 1));
    b.cancel(r);
    expect(b.spent().total).toEqual({ calls: 1, tokens: 2, usd: 0 });
  });
});

describe('Budget.credit', () => {
  it('counts earlier spend against the total and the role, so limits hold across a resume', () => {
    const budget = new Budget({ total: { calls: 5 }, perRole: { backward: { tokens: 100 } } });
    budget.credit('backward', { calls: 2, tokens: 120 });
    budget.credit('task', { calls: 2 });
    expect(budget.spent().total).toEqual({ calls: 4, tokens: 120, usd: 0 });
    expect(() => budget.admit('backward', 'm')).toThrow(BudgetExceededError);
    const r = budget.admit('task', 'm');
    budget.cancel(r);
    budget.credit('task', { calls: 1 });
    expect(() => budget.admit('task', 'm')).toThrow(/total calls limit 5/);
  });
});
