import { costUsd, type PriceTable, priceFor, validatePriceTable } from './prices';
import type { CallRole, TokenUsage } from './types';
import type { RoleUsage } from './usage-types';

export type Labels = Readonly<Record<string, string | number>>;

/** The usage of a call answered on this machine (`ChatModel.local`): no tokens were billed. */
export const LOCAL_USAGE: TokenUsage = Object.freeze({
  promptTokens: 0,
  completionTokens: 0,
  cachedTokens: 0,
  estimated: false,
});

/** One model call as the ledger saw it. */
export interface LedgerEntry {
  /** 0-based order of recording. */
  seq: number;
  /** ISO time the call finished. */
  at: string;
  role: CallRole;
  model: string;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  estimated: boolean;
  /** Time in requests to the model (every attempt), without queue wait or backoff. */
  latencyMs: number;
  /** Time waiting for a concurrency slot of the model. */
  queueMs: number;
  /** Time backing off between attempts. */
  retryWaitMs: number;
  /** Attempts made (0 for a cache hit); `attempts - 1` of them were retries. */
  attempts: number;
  /** Attempts that failed (a successful call may follow some). */
  failedAttempts: number;
  /** Failed attempts the server most likely billed (2xx with a lost or unusable body). */
  billedFailedAttempts: number;
  /** Tokens of the billed failed attempts, counted from the request (always estimated; not in the usage fields). */
  failedAttemptTokens: number;
  /** Served from the response cache: costs nothing and is counted apart. */
  cacheHit: boolean;
  /** Answered on this machine (a rule model): zero tokens, no cost; absent for a model call. */
  local?: true;
  /** Dollars for this call, billed failed attempts included (0 for a hit; undefined when the model has no price). */
  costUsd: number | undefined;
  labels: Labels;
  /** Set when the call failed for good; its tokens are only those of billed failed attempts. */
  error?: string;
}

/** A `RoleUsage` (the shape training results share) plus what only a ledger knows. */
export interface UsageSummary extends RoleUsage {
  /** Real calls whose usage was counted by us, not reported by the server. */
  estimatedCalls: number;
  /** Time waiting for a concurrency slot, and backing off between attempts (apart from `latencyMs`). */
  queueMs: number;
  retryWaitMs: number;
  /** Attempts after the first, over all calls (successful or not). */
  retries: number;
  failedAttempts: number;
  billedFailedAttempts: number;
  /** Estimated prompt tokens of billed failed attempts (not in `totalTokens`). */
  failedAttemptTokens: number;
  /** Tokens the cache hits would have cost (prompt + completion), for "saved" reports. */
  cacheHitTokens: number;
  failures: number;
  /** Sum over priced calls; `unpricedCalls` says how many calls had no price. */
  costUsd: number;
  unpricedCalls: number;
}

/** How a call went through the retry layer; every field defaults to 0 (one clean attempt). */
export interface AttemptCounts {
  queueMs?: number;
  retryWaitMs?: number;
  attempts?: number;
  failedAttempts?: number;
  billedFailedAttempts?: number;
  /** Estimated usage of the billed failed attempts (see `estimateBilledUsage`). */
  failedUsage?: TokenUsage;
}

export interface RecordInput extends AttemptCounts {
  role?: CallRole;
  model: string;
  /** Answered on this machine (`ChatModel.local`): recorded with its (zero) usage at no cost. */
  local?: boolean;
  usage: TokenUsage;
  latencyMs: number;
  cacheHit: boolean;
  labels?: Labels;
}

export interface FailureInput extends AttemptCounts {
  role?: CallRole;
  model: string;
  local?: boolean;
  latencyMs: number;
  labels?: Labels;
  error: string;
}

function emptySummary(): UsageSummary {
  return {
    calls: 0,
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    totalTokens: 0,
    estimatedCalls: 0,
    latencyMs: 0,
    queueMs: 0,
    retryWaitMs: 0,
    retries: 0,
    failedAttempts: 0,
    billedFailedAttempts: 0,
    failedAttemptTokens: 0,
    cacheHits: 0,
    cacheHitTokens: 0,
    failures: 0,
    costUsd: 0,
    unpricedCalls: 0,
  };
}

function add(s: UsageSummary, e: LedgerEntry): void {
  if (e.cacheHit) {
    s.cacheHits++;
    s.cacheHitTokens += e.promptTokens + e.completionTokens;
    return;
  }
  s.queueMs += e.queueMs;
  s.retryWaitMs += e.retryWaitMs;
  s.latencyMs += e.latencyMs;
  s.retries += Math.max(0, e.attempts - 1);
  s.failedAttempts += e.failedAttempts;
  s.billedFailedAttempts += e.billedFailedAttempts;
  s.failedAttemptTokens += e.failedAttemptTokens;
  if (e.costUsd !== undefined) s.costUsd += e.costUsd;
  if (e.error !== undefined) {
    s.failures++;
    return;
  }
  s.calls++;
  if (e.local) s.localCalls = (s.localCalls ?? 0) + 1;
  s.promptTokens += e.promptTokens;
  s.completionTokens += e.completionTokens;
  s.cachedTokens += e.cachedTokens;
  s.totalTokens += e.promptTokens + e.completionTokens;
  if (e.estimated) s.estimatedCalls++;
  if (e.costUsd === undefined) s.unpricedCalls++;
}

/**
 * Every model call, with role, model, tokens, latency, cache hit and labels (experiment, step, ...),
 * and summaries by role, model or any label. Shared by all models of a run.
 */
export class UsageLedger {
  private readonly list: LedgerEntry[] = [];
  private readonly listeners = new Set<(e: LedgerEntry) => void>();
  /** Running totals, kept up to date on every entry: the trainer reads `byRole()` around every step. */
  private readonly running = emptySummary();
  private readonly runningByRole: Record<string, UsageSummary> = {};

  constructor(
    private readonly options: {
      prices?: PriceTable;
      /** Labels on every entry (e.g. `{ experiment: 'oc-gdpo' }`); per-call labels override. */
      labels?: Labels;
      now?: () => Date;
    } = {},
  ) {
    if (options.prices) validatePriceTable(options.prices);
  }

  get entries(): readonly LedgerEntry[] {
    return this.list;
  }

  record(input: RecordInput): LedgerEntry {
    const price = this.price(input.model);
    const failedCost = price && input.failedUsage ? costUsd(price, input.failedUsage) : 0;
    return this.push({
      role: input.role ?? 'task',
      model: input.model,
      promptTokens: input.usage.promptTokens,
      completionTokens: input.usage.completionTokens,
      cachedTokens: input.usage.cachedTokens,
      estimated: input.usage.estimated,
      latencyMs: input.latencyMs,
      ...attemptFields(input),
      cacheHit: input.cacheHit,
      ...(input.local ? { local: true as const } : {}),
      costUsd:
        input.cacheHit || input.local ? 0 : price ? costUsd(price, input.usage) + failedCost : undefined,
      labels: { ...this.options.labels, ...input.labels },
    });
  }

  /** A call that failed for good; it carries tokens only for billed failed attempts. */
  recordFailure(input: FailureInput): LedgerEntry {
    const price = this.price(input.model);
    return this.push({
      role: input.role ?? 'task',
      model: input.model,
      promptTokens: 0,
      completionTokens: 0,
      cachedTokens: 0,
      estimated: false,
      latencyMs: input.latencyMs,
      ...attemptFields(input),
      cacheHit: false,
      ...(input.local ? { local: true as const } : {}),
      costUsd: price && input.failedUsage ? costUsd(price, input.failedUsage) : 0,
      labels: { ...this.options.labels, ...input.labels },
      error: input.error,
    });
  }

  private price(model: string) {
    return this.options.prices ? priceFor(this.options.prices, model) : undefined;
  }

  /** Called for each new entry (e.g. to stream a trace); returns an unsubscribe function. */
  subscribe(listener: (e: LedgerEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private push(e: Omit<LedgerEntry, 'seq' | 'at'>): LedgerEntry {
    const entry: LedgerEntry = {
      seq: this.list.length,
      at: (this.options.now?.() ?? new Date()).toISOString(),
      ...e,
    };
    this.list.push(entry);
    add(this.running, entry);
    const role = entry.role;
    this.runningByRole[role] ??= emptySummary();
    add(this.runningByRole[role], entry);
    for (const l of this.listeners) l(entry);
    return entry;
  }

  /** Summary of the entries matching `filter` (all by default). */
  summary(filter: (e: LedgerEntry) => boolean = () => true): UsageSummary {
    const s = emptySummary();
    for (const e of this.list) if (filter(e)) add(s, e);
    return s;
  }

  totals(): UsageSummary {
    return { ...this.running };
  }

  byRole(): Record<string, UsageSummary> {
    return Object.fromEntries(Object.entries(this.runningByRole).map(([r, s]) => [r, { ...s }]));
  }

  byModel(): Record<string, UsageSummary> {
    return this.groupBy((e) => e.model);
  }

  /** Grouped by a label, e.g. `byLabel('step')`; entries without the label are left out. */
  byLabel(label: string): Record<string, UsageSummary> {
    return this.groupBy((e) => (e.labels[label] === undefined ? undefined : String(e.labels[label])));
  }

  private groupBy(key: (e: LedgerEntry) => string | undefined): Record<string, UsageSummary> {
    const out: Record<string, UsageSummary> = {};
    for (const e of this.list) {
      const k = key(e);
      if (k === undefined) continue;
      out[k] ??= emptySummary();
      add(out[k], e);
    }
    return out;
  }

  /** Plain JSON: every entry plus the standard summaries. */
  toJSON(): {
    entries: LedgerEntry[];
    totals: UsageSummary;
    byRole: Record<string, UsageSummary>;
    byModel: Record<string, UsageSummary>;
  } {
    return { entries: [...this.list], totals: this.totals(), byRole: this.byRole(), byModel: this.byModel() };
  }
}

function attemptFields(
  input: AttemptCounts & { cacheHit?: boolean },
): Pick<
  LedgerEntry,
  'queueMs' | 'retryWaitMs' | 'attempts' | 'failedAttempts' | 'billedFailedAttempts' | 'failedAttemptTokens'
> {
  return {
    queueMs: input.queueMs ?? 0,
    retryWaitMs: input.retryWaitMs ?? 0,
    attempts: input.attempts ?? (input.cacheHit ? 0 : 1),
    failedAttempts: input.failedAttempts ?? 0,
    billedFailedAttempts: input.billedFailedAttempts ?? 0,
    failedAttemptTokens: input.failedUsage
      ? input.failedUsage.promptTokens + input.failedUsage.completionTokens
      : 0,
  };
}
