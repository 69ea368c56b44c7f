import type { Budget } from './budget';
import { admitCall, noteCacheHit } from './budget-scope';
import { cacheKey, combineCacheSalts } from './cache-key';
import { CacheMissError, CallsStoppedError, ProviderError } from './errors';
import { type CallTrace, newCallTrace, type ResilienceOptions, ResilientModel } from './resilience';
import type { ResponseCache } from './response-cache';
import { noteCallRecorded } from './run-ledger-scope';
import { countMessageTokens } from './tokenizer';
import type { CallContext, ChatModel, ChatRequest, ChatResponse, TokenUsage } from './types';
import { type AttemptCounts, type Labels, LOCAL_USAGE, type UsageLedger } from './usage-ledger';

export interface ManagedModelOptions {
  ledger?: UsageLedger;
  cache?: ResponseCache;
  budget?: Budget;
  /** Concurrency, timeout and retries; `false` leaves the inner model unwrapped (e.g. it is already resilient). */
  limits?: ResilienceOptions | false;
  /** Labels added to every ledger entry of this model (per-call labels override). */
  labels?: Labels;
  /**
   * The run's part of every cache key (`runCacheSalt({ seed, repeat })`), combined with each call's
   * `cacheSalt` by `combineCacheSalts`: the same run replays exactly, another repeat samples afresh.
   */
  runSalt?: string;
  /**
   * Aborting it stops the model from sending: new calls that miss the cache, calls queued for a slot
   * and pending retries fail with `CallsStoppedError` unsent; calls in flight finish and are recorded
   * and cached (their tokens are paid). Cache hits are still served. For SIGINT / SIGTERM handling.
   */
  stopSignal?: AbortSignal;
  /** Monotonic ms clock, injectable for tests. */
  now?: () => number;
}

/**
 * A `ChatModel` with the run's machinery around a raw one, in this order:
 *   cache lookup -> budget admit -> (concurrency, timeout, retries -> inner model) -> ledger -> cache write.
 * A cache hit is recorded in the ledger as a hit and never touches the budget; a miss is admitted by the
 * budget before it is sent, so a refused call costs nothing. In read-only (replay) mode a miss throws
 * `CacheMissError` and nothing is sent. The ledger gets request time, queue wait, backoff and failed
 * attempts apart; billed failed attempts are charged to the ledger and the budget with estimated tokens.
 * Create one per model and share it (a `ModelPool` does): the concurrency limit lives in the instance.
 * A local model (`ChatModel.local`, or an answer marked `local`) is recorded with zero tokens, marked
 * local: it counts as a call of its role (call budgets included) but costs no tokens or dollars.
 */
export class ManagedModel implements ChatModel {
  readonly id: string;
  /** The retry and concurrency layer, or undefined when `limits: false`. */
  readonly resilient: ResilientModel | undefined;
  private readonly now: () => number;

  constructor(
    readonly inner: ChatModel,
    private readonly options: ManagedModelOptions = {},
  ) {
    this.id = inner.id;
    // Checked with a slot held before every attempt: queued calls and retries stop too.
    const beforeAttempt = options.stopSignal ? () => this.checkStop() : undefined;
    this.resilient =
      options.limits === false
        ? undefined
        : new ResilientModel(inner, { now: options.now, beforeAttempt, ...options.limits });
    this.now = options.now ?? (() => performance.now());
  }

  async complete(request: ChatRequest, context?: CallContext): Promise<ChatResponse> {
    const { ledger, cache, budget } = this.options;
    const role = context?.role ?? 'task';
    const labels = { ...this.options.labels, ...context?.labels };
    const started = this.now();
    // A local model (rules on this machine) is never cached: it answers offline, replay included, and an
    // edited rule takes effect at once.
    const localModel = this.inner.local === true;
    const cacheOn = cache !== undefined && cache.mode !== 'off' && !localModel;
    const useCache = cacheOn && context?.noCache !== true;
    const key = cacheOn
      ? cacheKey(this.id, request, combineCacheSalts(this.options.runSalt, context?.cacheSalt))
      : '';
    if (cacheOn && cache.mode === 'read-only' && !useCache) throw this.miss(key, request, role, labels, true);
    if (useCache) {
      const stored = cache.get(key);
      if (stored) {
        const response: ChatResponse = { ...stored, cacheHit: true, latencyMs: this.now() - started };
        ledger?.record({
          role,
          model: this.id,
          usage: response.usage,
          latencyMs: response.latencyMs,
          cacheHit: true,
          attempts: 0,
          labels,
        });
        if (ledger) noteCallRecorded();
        noteCacheHit(budget, role, this.id);
        return response;
      }
      if (cache.mode === 'read-only') throw this.miss(key, request, role, labels, false);
    }
    this.checkStop();
    // Only a call that will reach the model is charged: cache hits stay free even when a budget is spent,
    // so a stopped run can be replayed and resumed. The model's own budget and those of the enclosing
    // `withBudget` scopes (e.g. a training run's) all admit it.
    const admission = admitCall(budget, role, this.id, { local: localModel });

    const trace = newCallTrace();
    let response: ChatResponse;
    try {
      response = await this.send(request, context, trace);
    } catch (e) {
      admission.cancel();
      // Refused unsent by a stop: nothing happened that the ledger should show.
      if (e instanceof CallsStoppedError && trace.attempts === 0) throw e;
      const counts = attemptCounts(trace, request);
      admission.chargeFailedAttempts(counts.billedFailedAttempts, counts.failedUsage);
      ledger?.recordFailure({
        role,
        model: this.id,
        ...(localModel ? { local: true } : {}),
        latencyMs: trace.requestMs,
        labels,
        error: errorText(e),
        ...counts,
      });
      throw e;
    }
    response = { ...response, latencyMs: this.now() - started, cacheHit: false };
    // Answered locally: a call of its role, but no tokens were billed, whatever the inner model counted.
    if (localModel || response.local) response = { ...response, usage: LOCAL_USAGE, local: true };
    const counts = attemptCounts(trace, request);
    // Account before writing the cache: the tokens are spent even if the write fails.
    admission.commit(response.usage);
    admission.chargeFailedAttempts(counts.billedFailedAttempts, counts.failedUsage);
    ledger?.record({
      role,
      model: this.id,
      usage: response.usage,
      latencyMs: trace.requestMs,
      cacheHit: false,
      labels,
      ...(response.local ? { local: true } : {}),
      ...counts,
    });
    if (ledger) noteCallRecorded();
    if (useCache) cache.put(key, this.id, request, response);
    return response;
  }

  private checkStop(): void {
    const stop = this.options.stopSignal;
    if (stop?.aborted) throw new CallsStoppedError(this.id, String(stop.reason ?? 'stopped'));
  }

  private async send(request: ChatRequest, context: CallContext | undefined, trace: CallTrace) {
    if (this.resilient) return this.resilient.completeTraced(request, context, trace);
    const sent = this.now();
    trace.attempts = 1;
    try {
      return await this.inner.complete(request, context);
    } catch (e) {
      if (e instanceof ProviderError)
        trace.failures.push({ attempt: 1, kind: e.kind, status: e.status, billed: e.billed });
      throw e;
    } finally {
      trace.requestMs += this.now() - sent;
    }
  }

  private miss(
    key: string,
    request: ChatRequest,
    role: string,
    labels: Labels,
    uncacheable: boolean,
  ): CacheMissError {
    return new CacheMissError({
      modelId: this.id,
      digest: key.slice(0, 12),
      excerpt: firstUserExcerpt(request),
      role,
      labels,
      cachePath: this.options.cache?.path,
      uncacheable,
    });
  }
}

export function managedModel(inner: ChatModel, options: ManagedModelOptions = {}): ManagedModel {
  return new ManagedModel(inner, options);
}

/**
 * What a billed failed attempt most likely cost: the prompt, counted from the request with the
 * tokenizer; the lost completion is unknown and left out, so the estimate is a lower bound.
 */
export function estimateBilledUsage(request: ChatRequest, billedAttempts: number): TokenUsage {
  return {
    promptTokens: billedAttempts > 0 ? billedAttempts * countMessageTokens(request.messages) : 0,
    completionTokens: 0,
    cachedTokens: 0,
    estimated: true,
  };
}

function attemptCounts(
  trace: CallTrace,
  request: ChatRequest,
): Required<AttemptCounts> & { failedUsage: TokenUsage } {
  const billed = trace.failures.filter((f) => f.billed).length;
  return {
    queueMs: trace.queueMs,
    retryWaitMs: trace.retryWaitMs,
    attempts: trace.attempts,
    failedAttempts: trace.failures.length,
    billedFailedAttempts: billed,
    failedUsage: estimateBilledUsage(request, billed),
  };
}

function firstUserExcerpt(request: ChatRequest): string {
  const m = request.messages.find((x) => x.role === 'user') ?? request.messages[0];
  const text = (m?.content ?? '').replace(/\s+/g, ' ').trim();
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
