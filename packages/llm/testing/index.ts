/** Test support shared by the packages' tests and the benchmarks (the `./testing` export; never imported by src/). */
import type { ChatResponse } from '../src/types';

/**
 * A finished chat response with `text` as its one choice, as a provider returns it (not a cache hit);
 * `fields` override the rest (usage, model, latency, raw body...).
 */
export function cannedResponse(text: string, fields: Partial<Omit<ChatResponse, 'text'>> = {}): ChatResponse {
  return {
    text,
    choices: [text],
    usage: { promptTokens: 3, completionTokens: 1, cachedTokens: 0, estimated: false },
    latencyMs: 1,
    model: 'm',
    finishReason: 'stop',
    cacheHit: false,
    raw: {},
    ...fields,
  };
}
export { type FullDisk, fullDisk, type ReadOnlyView, readOnlyView } from './read-only-dir';
