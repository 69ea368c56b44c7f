import type { Budget } from './budget';
import { cacheKey } from './cache-key';
import { CacheMissError } from './errors';
import { type ResilienceOptions, withResilience } from './resilience';
import type { ResponseCache } from './response-cache';
import type { CallContext, ChatModel, ChatRequest, ChatResponse } from './types';
import type { Labels, UsageLedger } from './usage-ledger';

export interface ManagedModelOptions {
  ledger?: UsageLedger;
  cache?: ResponseCache;
  budget?: Budget;
  /** Concurrency, timeout and retries; `false` leaves the inner model unwrapped (e.g. it is already resilient). */
  limits?: ResilienceOptions | false;
  /** Labels added to every ledger entry of this model (per-call labels override). */
  labels?: Labels;
  /** Monotonic ms clock, injectable for tests. */
  now?: () => number;
}

/**
 * A `ChatModel` with the run's machinery around a raw one, in this order:
 *   cache lookup -> budget admit -> (concurrency, timeout, retries -> inner model) -> ledger -> cache write.
 * A cache hit is recorded in the ledger as a hit and never touches the budget; a miss is admitted by the
 * budget before it is sent, so a refused call costs nothing. Create one per model and share it: the concurrency
 * limit lives in the instance.
 */
export class ManagedModel implements ChatModel {
  readonly id: string;
  private readonly target: ChatModel;
  private readonly now: () => number;

  constructor(
    readonly inner: ChatModel,
    private readonly options: ManagedModelOptions = {},
  ) {
    this.id = inner.id;
    this.target = options.limits === false ? inner : withResilience(inner, options.limits);
    this.now = options.now ?? (() => performance.now());
  }

  async complete(request: ChatRequest, context?: CallContext): Promise<ChatResponse> {
    const { ledger, cache, budget } = this.options;
    const role = context?.role ?? 'task';
    const labels = { ...this.options.labels, ...context?.labels };
    const started = this.now();
    const useCache = cache !== undefined && cache.mode !== 'off' && context?.noCache !== true;
    const key = useCache ? cacheKey(this.id, request, context?.cacheSalt) : undefined;
    if (useCache && key !== undefined) {
      const stored = cache.get(key);
      if (stored) {
        const response: ChatResponse = { ...stored, cacheHit: true, latencyMs: this.now() - started };
        ledger?.record({
          role,
          model: this.id,
          usage: response.usage,
          latencyMs: response.latencyMs,
          cacheHit: true,
          labels,
        });
        return response;
      }
      if (cache.mode === 'read-only')
        throw new CacheMissError(this.id, key.slice(0, 12), firstUserExcerpt(request));
    }
    // Only a call that will reach the model is charged: cache hits stay free even when a budget is spent,
    // so a stopped run can be replayed and resumed.
    const reservation = budget?.admit(role, this.id);

    let response: ChatResponse;
    try {
      response = await this.target.complete(request, context);
    } catch (e) {
      if (reservation) budget?.cancel(reservation);
      ledger?.recordFailure({
        role,
        model: this.id,
        latencyMs: this.now() - started,
        labels,
        error: errorText(e),
      });
      throw e;
    }
    response = { ...response, latencyMs: this.now() - started, cacheHit: false };
    // Account before writing the cache: the tokens are spent even if the write fails.
    if (reservation) budget?.commit(reservation, response.usage);
    ledger?.record({
      role,
      model: this.id,
      usage: response.usage,
      latencyMs: response.latencyMs,
      cacheHit: false,
      labels,
    });
    if (useCache && key !== undefined) cache.put(key, this.id, request, response);
    return response;
  }
}

export function managedModel(inner: ChatModel, options: ManagedModelOptions = {}): ManagedModel {
  return new ManagedModel(inner, options);
}

function firstUserExcerpt(request: ChatRequest): string {
  const m = request.messages.find((x) => x.role === 'user') ?? request.messages[0];
  const text = (m?.content ?? '').replace(/\s+/g, ' ').trim();
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
