/** Test support shared by the packages' tests and the benchmarks (the `./testing` export; never imported by src/). */
import { BudgetExceededError, CacheMissError, CallsStoppedError } from '../src/errors';
import type { ChatModel, ChatResponse } from '../src/types';

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

/** One of each stop (llm's `isStop`): a stopping run's signal, a spent budget, a replay's cache miss. */
export const STOP_ERRORS: ReadonlyArray<[string, () => unknown]> = [
  ['a stopping run (signal)', () => new CallsStoppedError('engine', 'SIGTERM')],
  ['a spent budget', () => new BudgetExceededError('role:backward', 'calls', 2, 2)],
  ['a replay miss', () => new CacheMissError({ modelId: 'engine', digest: 'abc', excerpt: 'q' })],
];

/** A model that answers its first `answered` calls with `text`, then throws `error()` on every call. */
export function failingAfter(
  answered: number,
  error: () => unknown,
  text = 'feedback',
): ChatModel & { calls: number } {
  const model = {
    id: 'engine',
    calls: 0,
    async complete() {
      model.calls++;
      if (model.calls > answered) throw error();
      return cannedResponse(text, { model: 'engine' });
    },
  };
  return model;
}
export { type FullDisk, fullDisk, type ReadOnlyView, readOnlyView } from './read-only-dir';
