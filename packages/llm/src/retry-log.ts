import type { RetryInfo } from './resilience';

/** One retry as a line: what failed, attempt k of n, the wait. Never holds credentials (errors are redacted). */
export function describeRetry(info: RetryInfo): string {
  const e = info.error;
  const what =
    e.kind === 'http' && e.status !== undefined
      ? `HTTP ${e.status}`
      : e.kind === 'malformed'
        ? 'malformed 2xx response'
        : e.kind === 'connection' && e.billed
          ? '2xx response cut in transit'
          : e.kind;
  const step = info.labels?.step === undefined ? '' : ` step ${info.labels.step}`;
  const role = info.role === undefined ? '' : ` ${info.role}`;
  const wait =
    info.delayMs >= 1000 ? `${(info.delayMs / 1000).toFixed(1)} s` : `${Math.round(info.delayMs)} ms`;
  return `retry: ${info.modelId}${role}${step}: ${what} on attempt ${info.attempt} of ${info.maxAttempts}; next attempt in ${wait}`;
}

export interface RetryReporterOptions {
  /** Where lines go, e.g. `(line) => process.stderr.write(line + '\n')`. */
  log: (line: string) => void;
  /** At most one line per this many ms (default 2000); the next line says how many were left out. */
  minIntervalMs?: number;
  now?: () => number;
}

/**
 * An `onRetry` handler that logs one line per retry, rate-limited across every model that shares it:
 * under a rate-limit storm the log shows one line per interval plus a count of the retries it left out,
 * while the ledger still counts every retry.
 */
export function retryReporter(options: RetryReporterOptions): (info: RetryInfo) => void {
  const minIntervalMs = options.minIntervalMs ?? 2000;
  const now = options.now ?? (() => performance.now());
  let lastAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (info) => {
    const t = now();
    if (t - lastAt < minIntervalMs) {
      suppressed++;
      return;
    }
    lastAt = t;
    const more =
      suppressed > 0 ? ` (${suppressed} more retr${suppressed === 1 ? 'y' : 'ies'} not shown)` : '';
    suppressed = 0;
    options.log(describeRetry(info) + more);
  };
}
