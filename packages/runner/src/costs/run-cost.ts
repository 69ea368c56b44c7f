/**
 * What a run cost, three ways, per role: `requested` (every call the run made, as if nothing were
 * cached: the work, independent of run order), `billed` (calls that reached a model, as the usage
 * ledger counts them) and `cached` (calls the response cache served). requested = billed + cached.
 * Tables, plots, budgets and compare show `requested` by default, `billed` beside it.
 */
import type { RoleUsage } from '@llm-autodiff/llm';
import type { RunRecord, RunRoleUsage } from '../repro/run-record';

export interface CallsAndTokens {
  calls: number;
  tokens: number;
}

export interface RoleCosts {
  requested: CallsAndTokens;
  billed: CallsAndTokens;
  cached: CallsAndTokens;
}

export type CostView = keyof RoleCosts;

/** A run's role usage as run.json stores it: the ledger's counters plus the three cost views. */
export function runRoleUsage(u: RoleUsage): RunRoleUsage {
  const billed = { calls: u.calls, tokens: u.promptTokens + u.completionTokens };
  const cached = { calls: u.cacheHits, tokens: u.cacheHitTokens ?? 0 };
  return {
    calls: u.calls,
    cacheHits: u.cacheHits,
    promptTokens: u.promptTokens,
    completionTokens: u.completionTokens,
    totalTokens: billed.tokens,
    cacheHitTokens: cached.tokens,
    latencyMs: u.latencyMs,
    requested: { calls: billed.calls + cached.calls, tokens: billed.tokens + cached.tokens },
    billed,
    cached,
  };
}

/** Every role's usage as run.json stores it (`runRoleUsage` of each). */
export function runUsage(usage: Readonly<Record<string, RoleUsage>>): Record<string, RunRoleUsage> {
  return Object.fromEntries(Object.entries(usage).map(([role, u]) => [role, runRoleUsage(u)]));
}

/**
 * The three views of a saved role usage. Records written before the views existed derive them from the
 * counters (a record without `cacheHitTokens` counts its hits' tokens as 0: it undercounts requested).
 */
export function roleCosts(u: RunRoleUsage | undefined): RoleCosts {
  const billed = u?.billed ?? { calls: u?.calls ?? 0, tokens: u?.totalTokens ?? 0 };
  const cached = u?.cached ?? { calls: u?.cacheHits ?? 0, tokens: u?.cacheHitTokens ?? 0 };
  const requested = u?.requested ?? {
    calls: billed.calls + cached.calls,
    tokens: billed.tokens + cached.tokens,
  };
  return { requested, billed, cached };
}

/** One view of a run's cost summed over roles. */
export function runCost(record: Pick<RunRecord, 'usage'>, view: CostView = 'requested'): CallsAndTokens {
  let calls = 0;
  let tokens = 0;
  for (const u of Object.values(record.usage)) {
    const c = roleCosts(u)[view];
    calls += c.calls;
    tokens += c.tokens;
  }
  return { calls, tokens };
}
