import { type FailureKind, ModelCallError, ProviderError } from './errors';
import { Semaphore } from './semaphore';
import type { CallContext, ChatModel, ChatRequest, ChatResponse } from './types';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetryInfo {
  modelId: string;
  /** The attempt that failed (1-based). */
  attempt: number;
  /** Attempts allowed in all (`maxRetries + 1`). */
  maxAttempts: number;
  delayMs: number;
  error: ProviderError;
  /** Accounting role and labels of the call, for the log line. */
  role?: string;
  labels?: Readonly<Record<string, string | number>>;
}

/** One failed attempt of a call, as the ledger keeps it. */
export interface FailedAttempt {
  attempt: number;
  kind: FailureKind;
  status: number | undefined;
  /** The server answered 2xx and most likely billed it (see `ProviderError.billed`). */
  billed: boolean;
}

/**
 * Where the time of one call went, filled in by `ResilientModel.completeTraced`: waiting for a
 * concurrency slot (`queueMs`), in requests (`requestMs`, all attempts), and backing off between
 * attempts (`retryWaitMs`). The ledger records them apart, so latency never includes queueing.
 */
export interface CallTrace {
  queueMs: number;
  requestMs: number;
  retryWaitMs: number;
  attempts: number;
  failures: FailedAttempt[];
}

export function newCallTrace(): CallTrace {
  return { queueMs: 0, requestMs: 0, retryWaitMs: 0, attempts: 0, failures: [] };
}

export interface ResilienceOptions {
  /** Calls in flight at once to this model (default 4; a `ModelPool` raises it to the caller's concurrency). */
  concurrency?: number;
  /** Share one limit between several wrappers of the same server (overrides `concurrency`). */
  semaphore?: Semaphore;
  /** Per-attempt timeout in ms (default 120 000; `0` disables). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 4, so 5 attempts). */
  maxRetries?: number;
  /** First backoff delay (default 500 ms); doubles per attempt, with jitter. */
  baseDelayMs?: number;
  /** Cap of one backoff delay (default 30 s). */
  maxDelayMs?: number;
  /** Cap on a server's Retry-After (default 120 s), so a bad header cannot stall a run for hours. */
  maxRetryAfterMs?: number;
  /** Injectable for fast tests. */
  sleep?: Sleep;
  /** Injectable jitter source in [0, 1). */
  random?: () => number;
  /** Called before each wait, e.g. `retryReporter(...)` to log one line per retry. */
  onRetry?: (info: RetryInfo) => void;
  /** Monotonic ms clock for the call trace, injectable for tests. */
  now?: () => number;
  /**
   * Called with a slot held, right before each attempt is sent; throwing stops the call unsent (e.g. the
   * run is stopping: calls queued for a slot and pending retries must not reach the network).
   */
  beforeAttempt?: () => void;
}

export const defaultSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Retries with exponential backoff and jitter on retryable `ProviderError`s (429, 5xx, timeouts,
 * connection resets, bodies cut in transit), honoring Retry-After; a per-model concurrency limit; a
 * per-attempt timeout. The final failure is one `ModelCallError`. Errors that are not `ProviderError`s
 * (bugs, budget errors) pass through untouched.
 */
export class ResilientModel implements ChatModel {
  readonly id: string;
  readonly semaphore: Semaphore;
  private readonly o: Required<
    Omit<ResilienceOptions, 'onRetry' | 'beforeAttempt' | 'concurrency' | 'semaphore'>
  > &
    Pick<ResilienceOptions, 'onRetry' | 'beforeAttempt'>;

  /** Attempts allowed per call. */
  get maxAttempts(): number {
    return this.o.maxRetries + 1;
  }

  constructor(
    readonly inner: ChatModel,
    options: ResilienceOptions = {},
  ) {
    this.id = inner.id;
    this.semaphore = options.semaphore ?? new Semaphore(options.concurrency ?? 4);
    this.o = {
      timeoutMs: options.timeoutMs ?? 120_000,
      maxRetries: options.maxRetries ?? 4,
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 30_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 120_000,
      sleep: options.sleep ?? defaultSleep,
      random: options.random ?? Math.random,
      onRetry: options.onRetry,
      beforeAttempt: options.beforeAttempt,
      now: options.now ?? (() => performance.now()),
    };
    if (!Number.isInteger(this.o.maxRetries) || this.o.maxRetries < 0) {
      throw new Error(`maxRetries must be an integer >= 0, got ${this.o.maxRetries}`);
    }
  }

  complete(request: ChatRequest, context?: CallContext): Promise<ChatResponse> {
    return this.completeTraced(request, context, newCallTrace());
  }

  /** `complete`, recording queue wait, request time, backoff and failed attempts into `trace` (also on failure). */
  async completeTraced(
    request: ChatRequest,
    context: CallContext | undefined,
    trace: CallTrace,
  ): Promise<ChatResponse> {
    const signal = context?.signal;
    const now = this.o.now;
    for (let attempt = 1; ; attempt++) {
      let error: ProviderError;
      // The slot is held for one attempt only, so a call waiting out a backoff does not block others.
      const queued = now();
      const release = await this.semaphore.acquire(signal).catch((reason) => {
        trace.queueMs += now() - queued;
        throw new ModelCallError(this.aborted(reason), attempt - 1);
      });
      const sent = now();
      trace.queueMs += sent - queued;
      try {
        this.o.beforeAttempt?.();
      } catch (e) {
        release();
        throw e;
      }
      trace.attempts = attempt;
      try {
        return await this.attempt(request, context);
      } catch (e) {
        if (!(e instanceof ProviderError)) throw e;
        error = e;
        trace.failures.push({ attempt, kind: e.kind, status: e.status, billed: e.billed });
      } finally {
        trace.requestMs += now() - sent;
        release();
      }
      if (!error.retryable || attempt > this.o.maxRetries) throw new ModelCallError(error, attempt);
      const delayMs = this.delay(attempt, error);
      this.o.onRetry?.({
        modelId: this.id,
        attempt,
        maxAttempts: this.maxAttempts,
        delayMs,
        error,
        role: context?.role,
        labels: context?.labels,
      });
      const waited = now();
      try {
        await this.o.sleep(delayMs, signal);
      } catch (reason) {
        throw new ModelCallError(this.aborted(reason), attempt);
      } finally {
        trace.retryWaitMs += now() - waited;
      }
    }
  }

  /** Server's wait when given, else min(maxDelay, base * 2^(attempt-1)) with "equal jitter" (half fixed, half random). */
  private delay(attempt: number, error: ProviderError): number {
    if (error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, this.o.maxRetryAfterMs);
    const exp = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (attempt - 1));
    return exp / 2 + this.o.random() * (exp / 2);
  }

  private aborted(reason: unknown): ProviderError {
    return new ProviderError(`${this.id}: call aborted by the caller`, {
      modelId: this.id,
      kind: 'aborted',
      retryable: false,
      cause: reason,
    });
  }

  /** One attempt, raced against the timeout and the caller's signal (even if the inner model ignores signals). */
  private attempt(request: ChatRequest, context: CallContext | undefined): Promise<ChatResponse> {
    const outer = context?.signal;
    if (outer?.aborted) return Promise.reject(this.aborted(outer.reason));
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onOuterAbort: (() => void) | undefined;
    const stop = new Promise<never>((_, reject) => {
      if (this.o.timeoutMs > 0) {
        timer = setTimeout(() => {
          const err = new ProviderError(`${this.id}: no response within ${this.o.timeoutMs} ms`, {
            modelId: this.id,
            kind: 'timeout',
            retryable: true,
          });
          controller.abort(err);
          reject(err);
        }, this.o.timeoutMs);
      }
      if (outer) {
        onOuterAbort = () => {
          controller.abort(outer.reason);
          reject(this.aborted(outer.reason));
        };
        outer.addEventListener('abort', onOuterAbort, { once: true });
      }
    });
    const call = this.inner.complete(request, { ...context, signal: controller.signal });
    // The loser of the race may still reject later; that rejection is expected and must not go unhandled.
    call.catch(() => {});
    return Promise.race([call, stop]).finally(() => {
      clearTimeout(timer);
      if (onOuterAbort) outer?.removeEventListener('abort', onOuterAbort);
    });
  }
}

export function withResilience(inner: ChatModel, options: ResilienceOptions = {}): ResilientModel {
  return new ResilientModel(inner, options);
}
