import { hashUnit } from './hash';

/** Rates in [0, 1] of each injected fault; their sum must be ≤ 1. */
export interface FaultRates {
  /** 429 Too Many Requests with a Retry-After header. */
  rate429?: number;
  /** 500 Internal Server Error. */
  rate500?: number;
  /** No response at all: the connection hangs until the client gives up (or the server closes). */
  timeout?: number;
  /** A 200 whose JSON body is cut off mid-way. */
  truncated?: number;
  /** A 200 whose body is not JSON (an HTML error page from a proxy). */
  nonJson?: number;
}

export type Fault = 'none' | '429' | '500' | 'timeout' | 'truncated' | 'nonJson';

export function validateFaults(f: FaultRates): void {
  let sum = 0;
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
      throw new Error(`sim server: fault rate "${k}" must be a number in [0, 1], got ${String(v)}`);
    }
    sum += v;
  }
  if (sum > 1 + 1e-9) throw new Error(`sim server: fault rates add up to ${sum.toFixed(3)} > 1`);
}

/**
 * Deterministic fault schedule: the nth time the server sees the same request body, the fault is a
 * hash of (seed, body, n). A retried request can therefore succeed, and a rerun sees the same faults.
 */
export class FaultPlan {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly rates: FaultRates,
    private readonly seed: number,
  ) {
    validateFaults(rates);
  }

  next(bodyKey: string): Fault {
    const n = this.seen.get(bodyKey) ?? 0;
    this.seen.set(bodyKey, n + 1);
    const u = hashUnit(this.seed, 'fault', bodyKey, n);
    const order: [Fault, number | undefined][] = [
      ['429', this.rates.rate429],
      ['500', this.rates.rate500],
      ['timeout', this.rates.timeout],
      ['truncated', this.rates.truncated],
      ['nonJson', this.rates.nonJson],
    ];
    let acc = 0;
    for (const [fault, rate] of order) {
      acc += rate ?? 0;
      if (u < acc) return fault;
    }
    return 'none';
  }
}
