import { BudgetExceededError, type BudgetKind } from './errors';
import { costUsd, type PriceTable, priceFor, validatePriceTable } from './prices';
import type { CallRole, TokenUsage } from './types';
import type { UsageSummary } from './usage-ledger';

export interface BudgetLimits {
  calls?: number;
  /** Prompt + completion tokens of real calls (cache hits are free). */
  tokens?: number;
  /** Needs a price table. */
  usd?: number;
}

export interface BudgetOptions {
  total?: BudgetLimits;
  perRole?: Readonly<Record<string, BudgetLimits>>;
  prices?: PriceTable;
}

export interface Spend {
  calls: number;
  tokens: number;
  usd: number;
}

/** A call admitted by `Budget.admit`; settle it exactly once with `commit` or `cancel`. */
export interface Reservation {
  /** Unique within the budget (the spend journal pairs a call's `sent` and its outcome by it). */
  readonly id: number;
  readonly role: string;
  readonly modelId: string;
  settled: boolean;
}

const KINDS: BudgetKind[] = ['calls', 'tokens', 'usd'];

/** Sees every call a budget admits and how it ends (llm's `SpendJournal` makes them durable). */
export interface SpendObserver {
  sent(id: number, role: string, model: string): void;
  billed(id: number, usage: TokenUsage, usd: number): void;
  unsent(id: number): void;
  failed(role: string, model: string, attempts: number, usage: TokenUsage, usd: number): void;
  cacheHit(role: string, model: string): void;
}

/**
 * Limits on calls, tokens and dollars, in total and per role. `admit` runs before a call is sent and
 * throws `BudgetExceededError` when any limit is already reached; calls in flight count against the
 * call limit so concurrent callers cannot overshoot it. Tokens are only known afterwards: the call
 * that crosses a token or dollar limit completes, and the next one is refused.
 */
export class Budget {
  private readonly total: Spend = { calls: 0, tokens: 0, usd: 0 };
  private readonly roles = new Map<string, Spend>();
  private readonly inFlight = new Map<string, number>();
  private inFlightTotal = 0;
  private lastId = 0;
  private observer: SpendObserver | undefined;

  constructor(private readonly options: BudgetOptions) {
    const all: Array<[string, BudgetLimits | undefined]> = [
      ['total', options.total],
      ...Object.entries(options.perRole ?? {}).map(([r, l]): [string, BudgetLimits] => [`perRole.${r}`, l]),
    ];
    for (const [scope, limits] of all) {
      if (!limits) continue;
      for (const k of KINDS) {
        const v = limits[k];
        if (v !== undefined && (typeof v !== 'number' || Number.isNaN(v) || v < 0)) {
          throw new Error(`budget: ${scope}.${k} must be a number >= 0, got ${JSON.stringify(v)}`);
        }
      }
      if (limits.usd !== undefined && !options.prices) {
        throw new Error(
          `budget: ${scope}.usd is set but no price table was given (prices: { model: { input, output } })`,
        );
      }
    }
    if (options.prices) validatePriceTable(options.prices, 'budget price table');
  }

  /** Every admitted call and its outcome, failed billed attempts and cache hits go to `observer` too. */
  observe(observer: SpendObserver): void {
    this.observer = observer;
  }

  /** A cache hit of a call made inside this budget's scope: free, only the observer hears of it. */
  cacheHit(role: CallRole, modelId: string): void {
    this.observer?.cacheHit(role, modelId);
  }

  /**
   * Throws `BudgetExceededError` if the call may not be sent; otherwise reserves a call slot. A `local`
   * model's call (answered on this machine, zero tokens) counts as a call and needs no price.
   */
  admit(role: CallRole, modelId: string, options: { local?: boolean } = {}): Reservation {
    const roleLimits = this.options.perRole?.[role];
    const unpriced = this.options.prices && !priceFor(this.options.prices, modelId);
    if (this.needsPrice(roleLimits) && unpriced && !options.local) {
      throw new Error(`budget: a dollar limit is set but the price table has no entry for ${modelId}`);
    }
    this.checkScope('total', this.options.total, this.total, this.inFlightTotal);
    this.checkScope(`role:${role}`, roleLimits, this.spendOf(role), this.inFlight.get(role) ?? 0);
    this.inFlightTotal++;
    this.inFlight.set(role, (this.inFlight.get(role) ?? 0) + 1);
    const id = ++this.lastId;
    this.observer?.sent(id, role, modelId);
    return { id, role, modelId, settled: false };
  }

  /** The call was made: count it with its usage. */
  commit(r: Reservation, usage: TokenUsage): void {
    if (!this.settle(r)) return;
    const price = this.options.prices ? priceFor(this.options.prices, r.modelId) : undefined;
    const usd = price ? costUsd(price, usage) : 0;
    const tokens = usage.promptTokens + usage.completionTokens;
    this.observer?.billed(r.id, usage, usd);
    for (const s of [this.total, this.spendOf(r.role)]) {
      s.calls++;
      s.tokens += tokens;
      s.usd += usd;
    }
  }

  /**
   * Billed attempts that failed (a 2xx whose body was lost or unusable): each counts as one call with
   * its (estimated) tokens, whether or not the call itself succeeds later. No reservation is involved:
   * the spend already happened, so it is counted even past a limit; the next `admit` refuses.
   */
  chargeFailedAttempts(role: CallRole, modelId: string, attempts: number, usage: TokenUsage): void {
    if (attempts <= 0) return;
    const price = this.options.prices ? priceFor(this.options.prices, modelId) : undefined;
    const usd = price ? costUsd(price, usage) : 0;
    this.observer?.failed(role, modelId, attempts, usage, usd);
    this.credit(role, { calls: attempts, tokens: usage.promptTokens + usage.completionTokens, usd });
  }

  /** The call cost nothing (cache hit) or did not happen (failure before an answer). */
  cancel(r: Reservation): void {
    if (this.settle(r)) this.observer?.unsent(r.id);
  }

  /**
   * Counts spend that happened before this budget existed, e.g. the finished steps of a run that is
   * being resumed, so the limits hold across processes.
   */
  credit(role: CallRole, spend: Partial<Spend>): void {
    for (const s of [this.total, this.spendOf(role)]) {
      s.calls += spend.calls ?? 0;
      s.tokens += spend.tokens ?? 0;
      s.usd += spend.usd ?? 0;
    }
  }

  spent(): { total: Spend; byRole: Record<string, Spend> } {
    return {
      total: { ...this.total },
      byRole: Object.fromEntries([...this.roles].map(([k, v]) => [k, { ...v }])),
    };
  }

  private settle(r: Reservation): boolean {
    if (r.settled) return false;
    r.settled = true;
    this.inFlightTotal--;
    this.inFlight.set(r.role, (this.inFlight.get(r.role) ?? 1) - 1);
    return true;
  }

  private needsPrice(roleLimits: BudgetLimits | undefined): boolean {
    return this.options.total?.usd !== undefined || roleLimits?.usd !== undefined;
  }

  private spendOf(role: string): Spend {
    let s = this.roles.get(role);
    if (!s) {
      s = { calls: 0, tokens: 0, usd: 0 };
      this.roles.set(role, s);
    }
    return s;
  }

  private checkScope(scope: string, limits: BudgetLimits | undefined, spent: Spend, inFlight: number): void {
    if (!limits) return;
    if (limits.calls !== undefined && spent.calls + inFlight >= limits.calls) {
      throw new BudgetExceededError(scope, 'calls', limits.calls, spent.calls + inFlight);
    }
    if (limits.tokens !== undefined && spent.tokens >= limits.tokens) {
      throw new BudgetExceededError(scope, 'tokens', limits.tokens, spent.tokens);
    }
    if (limits.usd !== undefined && spent.usd >= limits.usd) {
      throw new BudgetExceededError(scope, 'usd', limits.usd, spent.usd);
    }
  }
}

/**
 * A ledger summary in budget terms, billed failed attempts included (each one call, with its
 * estimated tokens), so a resumed run can `credit` its checkpoint's spend exactly as the budget
 * counted it. Dollars are the ledger's: give both the same price table.
 */
export function spendOfSummary(summary: UsageSummary): Spend {
  return {
    calls: summary.calls + summary.billedFailedAttempts,
    tokens: summary.totalTokens + summary.failedAttemptTokens,
    usd: summary.costUsd,
  };
}
