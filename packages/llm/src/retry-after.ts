/** Anything with a `get(name)` like the Fetch `Headers`. */
export interface HeaderLookup {
  get(name: string): string | null;
}

/**
 * The wait a server asks for, in ms: `retry-after-ms` (OpenAI, Azure), else `Retry-After` as seconds
 * or as an HTTP date (RFC 9110). `undefined` when absent or unparseable; never negative.
 */
export function parseRetryAfter(headers: HeaderLookup | undefined, nowMs: number): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const v = Number(ms);
    if (Number.isFinite(v) && v >= 0) return v;
  }
  const ra = headers.get('retry-after');
  if (ra === null || ra.trim() === '') return undefined;
  const seconds = Number(ra);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(ra);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
