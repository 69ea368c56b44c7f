/**
 * Typed errors of the model layer. Callers branch on the class (a trainer turns `BudgetExceededError`
 * into a clean stop), so every failure a caller may want to handle has its own class and fields.
 * Messages never contain credentials: providers redact the key before building them.
 */

import type { ErrorKind } from './error-kind';

/** How one attempt at a model call failed. */
export type FailureKind = 'http' | 'timeout' | 'connection' | 'malformed' | 'aborted';

export interface ProviderErrorInit {
  modelId: string;
  kind: FailureKind;
  status?: number;
  retryable: boolean;
  /** Server-requested wait (Retry-After / retry-after-ms), already converted to milliseconds. */
  retryAfterMs?: number;
  /**
   * The server answered 2xx, so the attempt was most likely billed, but the body was lost or unusable
   * (cut in transit, not a chat completion). Budgets and the ledger charge such attempts.
   */
  billed?: boolean;
  cause?: unknown;
}

/** One failed attempt, as reported by a provider (or a test double). The retry layer reads `retryable`. */
export class ProviderError extends Error {
  override readonly name: string = 'ProviderError';
  readonly errorKind: ErrorKind = 'call-failed';
  readonly modelId: string;
  readonly kind: FailureKind;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly billed: boolean;

  constructor(message: string, init: ProviderErrorInit) {
    super(message, { cause: init.cause });
    this.modelId = init.modelId;
    this.kind = init.kind;
    this.status = init.status;
    this.retryable = init.retryable;
    this.retryAfterMs = init.retryAfterMs;
    this.billed = init.billed ?? false;
  }

  /** An HTTP failure with the retry policy of the chat-completions APIs (408, 409, 429 and 5xx retry). */
  static http(modelId: string, status: number, message: string, retryAfterMs?: number): ProviderError {
    return new ProviderError(`${modelId}: HTTP ${status}: ${message}`, {
      modelId,
      kind: 'http',
      status,
      retryable: isRetryableStatus(status),
      retryAfterMs,
    });
  }
}

/** 400/401/403/404/422 mean the request itself is wrong: sending it again cannot help. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** The server answered 2xx with a body that is not a chat completion (so the attempt counts as billed). */
export class MalformedResponseError extends ProviderError {
  override readonly name: string = 'MalformedResponseError';
  /** The start of the offending body, for the error report. */
  readonly bodyExcerpt: string;

  constructor(
    modelId: string,
    problem: string,
    body: string,
    options: { retryable: boolean; cause?: unknown },
  ) {
    const excerpt = body.length > 200 ? `${body.slice(0, 200)}…` : body;
    super(
      `${modelId}: malformed chat-completions response (${problem}); body starts: ${JSON.stringify(excerpt)}`,
      {
        modelId,
        kind: 'malformed',
        retryable: options.retryable,
        billed: true,
        cause: options.cause,
      },
    );
    this.bodyExcerpt = excerpt;
  }
}

/** The final error of a model call: retries are spent, or the failure was not retryable. */
export class ModelCallError extends Error {
  override readonly name = 'ModelCallError';
  readonly errorKind: ErrorKind = 'call-failed';
  readonly modelId: string;
  readonly attempts: number;
  readonly lastKind: FailureKind;
  readonly lastStatus: number | undefined;
  readonly retryable: boolean;

  constructor(last: ProviderError, attempts: number) {
    const why = last.retryable
      ? `gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}`
      : 'not retryable';
    super(`model call to ${last.modelId} failed (${why}): ${last.message}`, { cause: last });
    this.modelId = last.modelId;
    this.attempts = attempts;
    this.lastKind = last.kind;
    this.lastStatus = last.status;
    this.retryable = last.retryable;
  }
}

export type BudgetKind = 'calls' | 'tokens' | 'usd';

/** A budget is reached. `scope` is `total` or `role:<name>`. Thrown before a call is sent. */
export class BudgetExceededError extends Error {
  override readonly name = 'BudgetExceededError';
  readonly errorKind: ErrorKind = 'budget';
  constructor(
    readonly scope: string,
    readonly budget: BudgetKind,
    readonly limit: number,
    readonly spent: number,
  ) {
    super(`budget exceeded: ${scope} ${budget} limit ${limit} reached (spent ${round(spent)})`);
  }
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export interface CacheMissInit {
  modelId: string;
  /** First 12 hex digits of the cache key. */
  digest: string;
  /** Start of the first user message, to recognize the request. */
  excerpt: string;
  /** Accounting role of the call. */
  role?: string;
  /** The call's ledger labels (`step`, `experiment`, ...). */
  labels?: Readonly<Record<string, string | number>>;
  /** The cache file being replayed. */
  cachePath?: string;
  /** The call asked to skip the cache (`noCache`), which a replay cannot honor without the network. */
  uncacheable?: boolean;
}

/**
 * Replay mode (`read-only` cache) met a request that was never recorded. One line naming the step,
 * role, model and cache file; no request left the machine.
 */
export class CacheMissError extends Error {
  override readonly name = 'CacheMissError';
  readonly errorKind: ErrorKind = 'replay-miss';
  readonly modelId: string;
  readonly digest: string;
  readonly excerpt: string;
  readonly role: string | undefined;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly cachePath: string | undefined;

  constructor(init: CacheMissInit) {
    const where = [
      init.labels?.step === undefined ? undefined : `step ${init.labels.step}`,
      init.role === undefined ? undefined : `role ${init.role}`,
      `model ${init.modelId}`,
    ]
      .filter((x) => x !== undefined)
      .join(', ');
    const file = init.cachePath === undefined ? 'the read-only cache' : `cache ${init.cachePath}`;
    const what = init.uncacheable
      ? `a call that skips the cache (noCache) cannot be replayed (${where})`
      : `no recorded response in ${file} for ${where}`;
    super(
      `replay: ${what} (key ${init.digest}…, first user message: ${JSON.stringify(init.excerpt)}); ` +
        'no request was sent. Record the run in read-write mode first, or replay the same run (seed, repeat, models, flags).',
    );
    this.modelId = init.modelId;
    this.digest = init.digest;
    this.excerpt = init.excerpt;
    this.role = init.role;
    this.labels = init.labels ?? {};
    this.cachePath = init.cachePath;
  }
}

/** A response cache file that cannot be used as asked (missing, a directory, not writable, not a cache). */
export class CacheAccessError extends Error {
  override readonly name = 'CacheAccessError';
  readonly errorKind: ErrorKind = 'input';
  constructor(
    readonly path: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`response cache ${path}: ${problem}`, options);
  }
}

/** A budget spec (`total.calls=2000,backward.tokens=50000`) that cannot be parsed or names unknown scopes. */
export class BudgetSpecError extends Error {
  override readonly name = 'BudgetSpecError';
  readonly errorKind: ErrorKind = 'input';
}

/**
 * The run is stopping (e.g. Ctrl-C): the call was refused before it was sent. Calls already in flight
 * finish (and are cached); no new request, queued call or retry reaches the network.
 */
export class CallsStoppedError extends Error {
  override readonly name = 'CallsStoppedError';
  readonly errorKind: ErrorKind = 'interrupted';
  constructor(
    readonly modelId: string,
    readonly reason: string,
  ) {
    super(`${modelId}: call not sent, the run is stopping (${reason})`);
  }
}

/** Model-layer controls (timeout, retries, concurrency) out of range. */
export class ModelControlsError extends Error {
  override readonly name = 'ModelControlsError';
  readonly errorKind: ErrorKind = 'input';
}

/** A model spec string that cannot be parsed, or names an unknown provider. */
export class ModelSpecError extends Error {
  override readonly name = 'ModelSpecError';
  readonly errorKind: ErrorKind = 'input';
}
