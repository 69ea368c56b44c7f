import { describe, expect, it } from 'vitest';
import { Budget } from './budget';
import { formatBudgetSpec, parseBudgetSpec } from './budget-spec';
import { BudgetSpecError } from './errors';

const fails = (spec: string, options?: Parameters<typeof parseBudgetSpec>[1]): string => {
  try {
    parseBudgetSpec(spec, options);
  } catch (e) {
    expect(e).toBeInstanceOf(BudgetSpecError);
    expect((e as Error).message).not.toContain('\n');
    return (e as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(spec)} to be refused`);
};

describe('parseBudgetSpec', () => {
  it('reads total and role limits into BudgetOptions a Budget accepts', () => {
    const options = parseBudgetSpec(' total.calls=2000, backward.tokens=50000,backward.calls=7');
    expect(options).toEqual({ total: { calls: 2000 }, perRole: { backward: { tokens: 50000, calls: 7 } } });
    expect(() => new Budget(options)).not.toThrow();
    expect(formatBudgetSpec(options)).toBe('total.calls=2000,backward.calls=7,backward.tokens=50000');
    expect(parseBudgetSpec(formatBudgetSpec(options))).toEqual(options);
  });

  it('refuses a scope typo, listing the valid scopes', () => {
    expect(fails('backwrd.calls=1', { where: '--budget' })).toBe(
      '--budget: unknown scope "backwrd" in "backwrd.calls=1"; valid scopes: total, task, backward, optimizer, teacher',
    );
    expect(parseBudgetSpec('judge.calls=3', { roles: ['task', 'judge'] })).toEqual({
      perRole: { judge: { calls: 3 } },
    });
  });

  it('refuses empty specs, empty parts, unknown kinds, bad numbers and repeats', () => {
    expect(fails('')).toMatch(/^budget: empty; expected SCOPE.KIND=N/);
    expect(fails('  ')).toMatch(/empty/);
    expect(fails('total.calls=3,')).toMatch(/"" is not SCOPE.KIND=N/);
    expect(fails('total.call=3')).toMatch(
      /unknown kind "call" in "total.call=3"; valid kinds: calls, tokens/,
    );
    expect(fails('total.usd=3')).toMatch(/unknown kind "usd"/);
    expect(fails('total.calls=-1')).toMatch(/the limit must be an integer >= 0/);
    expect(fails('total.calls=1e3')).toMatch(/integer/);
    expect(fails('total.calls=')).toMatch(/integer/);
    expect(fails('total=3')).toMatch(/is not SCOPE.KIND=N/);
    expect(fails('task.calls=1,task.calls=2')).toMatch(/task.calls is given twice/);
    expect(parseBudgetSpec('total.usd=2.5', { kinds: ['usd'] })).toEqual({ total: { usd: 2.5 } });
  });
});
