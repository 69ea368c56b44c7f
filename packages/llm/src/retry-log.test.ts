import { describe, expect, it } from 'vitest';
import { MalformedResponseError, ProviderError } from './errors';
import { describeRetry, retryReporter } from './retry-log';

const info = (error: ProviderError, attempt = 1) => ({
  modelId: 'openai:gpt-4o-mini',
  attempt,
  maxAttempts: 5,
  delayMs: 2500,
  error,
});

describe('retry log', () => {
  it('says what failed, attempt k of n and the wait', () => {
    expect(
      describeRetry({ ...info(ProviderError.http('m', 429, 'x')), role: 'task', labels: { step: 2 } }),
    ).toBe('retry: openai:gpt-4o-mini task step 2: HTTP 429 on attempt 1 of 5; next attempt in 2.5 s');
    const timeout = new ProviderError('m: no response', { modelId: 'm', kind: 'timeout', retryable: true });
    expect(describeRetry(info(timeout, 4))).toBe(
      'retry: openai:gpt-4o-mini: timeout on attempt 4 of 5; next attempt in 2.5 s',
    );
    const bad = new MalformedResponseError('m', 'body is not valid JSON', '{"ch', { retryable: true });
    expect(describeRetry(info(bad))).toContain('malformed 2xx response on attempt 1');
  });

  it('prints at most one line per interval and counts the ones it left out', () => {
    const lines: string[] = [];
    let t = 0;
    const report = retryReporter({ log: (l) => lines.push(l), minIntervalMs: 1000, now: () => t });
    const e = ProviderError.http('m', 503, 'x');
    for (t = 0; t < 3000; t += 250) report(info(e));
    expect(lines).toHaveLength(3);
    expect(lines[0]).not.toContain('not shown');
    expect(lines[1]).toContain('(3 more retries not shown)');
    expect(lines[2]).toContain('(3 more retries not shown)');
  });
});
