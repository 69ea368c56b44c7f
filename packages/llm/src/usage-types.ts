/**
 * The one usage shape of the project: per role (or model, or label) running totals. A ledger's
 * summaries (`UsageLedger.byRole()`) and a training result's `usage` both have it; summaries add
 * failure, estimate and cost fields on top.
 */
export interface RoleUsage {
  /** Calls that reached a model (cache hits and failures excluded). */
  calls: number;
  /** Calls served from the response cache (zero cost, counted apart). */
  cacheHits: number;
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens the provider served from its own prompt cache. */
  cachedTokens: number;
  /** promptTokens + completionTokens of real calls. */
  totalTokens: number;
  /**
   * Tokens the cache hits would have cost (prompt + completion): requested = billed + cached, a cost that
   * does not depend on what earlier runs left in the cache. Absent in usage recorded before it existed.
   */
  cacheHitTokens?: number;
  latencyMs: number;
  /**
   * Of `calls`, those answered on this machine (a rule model): zero tokens, no cost. Absent when none
   * (and in usage recorded before it existed).
   */
  localCalls?: number;
}

export type UsageByRole = Record<string, RoleUsage>;
