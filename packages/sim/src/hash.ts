import { createHash } from 'node:crypto';

/**
 * Every choice the simulated world makes comes from a hash of its inputs, never from Math.random, so
 * the same request always gets the same response (and a test can pin behaviour down).
 */
export function hashUnit(...parts: readonly (string | number)[]): number {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${String(p)}\u0000`);
  // 48 bits are plenty for a uniform draw in [0, 1).
  return h.digest().readUIntBE(0, 6) / 2 ** 48;
}

/** Uniform integer in [0, n). */
export function hashInt(n: number, ...parts: readonly (string | number)[]): number {
  return Math.min(n - 1, Math.floor(hashUnit(...parts) * n));
}

export function hashPick<T>(items: readonly T[], ...parts: readonly (string | number)[]): T {
  if (items.length === 0) throw new Error('hashPick: empty list');
  return items[hashInt(items.length, ...parts)] as T;
}

/** Short stable digest of a text, for keys. */
export function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
