import { createHash } from 'node:crypto';
import type { ChatRequest } from './types';

/** Bump when the stored format or the key's composition changes, so old rows are not misread. */
export const CACHE_KEY_VERSION = 1;

/**
 * JSON with object keys sorted at every depth and `undefined` fields dropped, so two requests that
 * mean the same thing serialize identically (`{a, b}` vs `{b, a}`; `{ seed: undefined }` vs `{}`).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortDeep(value));
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortDeep(v)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortDeep(v);
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new Error(`cache key: non-finite number ${value} in the request`);
  }
  return value;
}

/**
 * sha256 over the canonical full request: model id, every message, every option, and the salt.
 * The whole `ChatRequest` goes in, so a field added later is keyed automatically. The request types
 * carry no credentials (keys live inside provider clients), so none can enter the key or the row.
 */
export function cacheKey(modelId: string, request: ChatRequest, salt?: string): string {
  const payload = {
    v: CACHE_KEY_VERSION,
    model: modelId,
    request: { ...request, options: request.options ?? {} },
    salt: salt ?? null,
  };
  return createHash('sha256').update(canonicalJson(payload)).digest('hex');
}

/** The run's part of every cache key: the same seed and repeat replay exactly, another repeat samples afresh. */
export function runCacheSalt(run: { seed: number; repeat?: number }): string {
  for (const [name, v] of [
    ['seed', run.seed],
    ['repeat', run.repeat ?? 0],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0)
      throw new Error(`cache salt: ${name} must be an integer >= 0, got ${JSON.stringify(v)}`);
  }
  return `seed=${run.seed};repeat=${run.repeat ?? 0}`;
}

/**
 * The salt that goes into a key: the run's salt (`runCacheSalt`, set once on the model or pool)
 * combined with the call's own (`CallContext.cacheSalt`, e.g. `proposal=2`). Either alone keys as
 * itself, so caches recorded with only one of them keep their entries; both together are joined
 * unambiguously (canonical JSON), so no pair of salts can collide with another pair or a lone salt.
 */
export function combineCacheSalts(runSalt?: string, callSalt?: string): string | undefined {
  if (runSalt === undefined) return callSalt;
  if (callSalt === undefined) return runSalt;
  return canonicalJson({ call: callSalt, run: runSalt });
}
