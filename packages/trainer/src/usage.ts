/**
 * Where the trainer reads calls, tokens and cache hits per role: anything with per-role running totals.
 * The llm `UsageLedger` satisfies it (its `calls` count real calls; cache hits are counted apart).
 * The usage type itself is llm's (`RoleUsage`), shared with `UsageLedger.byRole()`.
 */
import type { RoleUsage, UsageByRole } from '@llm-autodiff/llm';

export type { RoleUsage, UsageByRole };

export interface UsageSource {
  /** Running totals per role since the source was created. */
  byRole(): Record<string, RoleUsage>;
}

export function emptyUsage(): RoleUsage {
  return {
    calls: 0,
    cacheHits: 0,
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    totalTokens: 0,
    cacheHitTokens: 0,
    latencyMs: 0,
  };
}

const FIELDS = [
  'calls',
  'cacheHits',
  'promptTokens',
  'completionTokens',
  'cachedTokens',
  'totalTokens',
  'cacheHitTokens',
  'latencyMs',
] as const;

// Records written before totalTokens existed lack it: count it as promptTokens + completionTokens.
// Usage recorded before cacheHitTokens existed counts none.
const field = (u: RoleUsage, f: (typeof FIELDS)[number]): number =>
  f === 'totalTokens' ? (u.totalTokens ?? u.promptTokens + u.completionTokens) : (u[f] ?? 0);

/** `localCalls` (calls answered on this machine) is written only when there are some, as the ledger does. */
function withLocalCalls(u: RoleUsage, localCalls: number): RoleUsage {
  if (localCalls !== 0) u.localCalls = localCalls;
  return u;
}

/** after − before, per role; roles with no calls in between are left out. */
export function diffUsage(after: UsageByRole, before: UsageByRole): UsageByRole {
  const out: UsageByRole = {};
  for (const [role, a] of Object.entries(after)) {
    const b = before[role] ?? emptyUsage();
    const d = emptyUsage();
    for (const f of FIELDS) d[f] = field(a, f) - field(b, f);
    withLocalCalls(d, (a.localCalls ?? 0) - (b.localCalls ?? 0));
    if (d.calls > 0 || d.cacheHits > 0) out[role] = d;
  }
  return out;
}

/** Only the fields of `RoleUsage` (a ledger summary carries more). */
export function pickUsage(byRole: Record<string, RoleUsage>): UsageByRole {
  const out: UsageByRole = {};
  for (const [role, u] of Object.entries(byRole)) {
    const r = emptyUsage();
    for (const f of FIELDS) r[f] = field(u, f);
    out[role] = withLocalCalls(r, u.localCalls ?? 0);
  }
  return out;
}

export function addUsage(a: UsageByRole, b: UsageByRole): UsageByRole {
  const out: UsageByRole = {};
  for (const role of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[role] ?? emptyUsage();
    const y = b[role] ?? emptyUsage();
    const s = emptyUsage();
    for (const f of FIELDS) s[f] = field(x, f) + field(y, f);
    out[role] = withLocalCalls(s, (x.localCalls ?? 0) + (y.localCalls ?? 0));
  }
  return out;
}
