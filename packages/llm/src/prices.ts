import type { TokenUsage } from './types';

/** USD per 1 million tokens. `cachedInput` defaults to `input` when a provider gives no discount. */
export interface ModelPrice {
  input: number;
  cachedInput?: number;
  output: number;
}

/** Keyed by canonical model id (`openai:gpt-4o-mini`) or by the bare model name (`gpt-4o-mini`). */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** Exact id first, then the model name without provider and base URL. */
export function priceFor(table: PriceTable, modelId: string): ModelPrice | undefined {
  const exact = table[modelId];
  if (exact) return exact;
  const colon = modelId.indexOf(':');
  const rest = colon >= 0 ? modelId.slice(colon + 1) : modelId;
  const at = rest.search(/@https?:\/\//);
  return table[at >= 0 ? rest.slice(0, at) : rest];
}

/** Dollars for one call; provider-cached prompt tokens bill at the cached rate. */
export function costUsd(price: ModelPrice, usage: TokenUsage): number {
  const cached = Math.min(usage.cachedTokens, usage.promptTokens);
  const fresh = usage.promptTokens - cached;
  return (
    (fresh * price.input +
      cached * (price.cachedInput ?? price.input) +
      usage.completionTokens * price.output) /
    1e6
  );
}

/** Rejects negative or non-numeric prices with the offending model and field named. */
export function validatePriceTable(table: PriceTable, where = 'price table'): void {
  for (const [model, p] of Object.entries(table)) {
    for (const field of ['input', 'cachedInput', 'output'] as const) {
      const v = p[field];
      if (v === undefined && field === 'cachedInput') continue;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new Error(
          `${where}: ${model}.${field} must be a number >= 0 (USD per 1M tokens), got ${JSON.stringify(v)}`,
        );
      }
    }
  }
}
