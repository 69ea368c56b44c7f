/**
 * List prices (USD per 1M tokens) of the models the paper and its baselines use, for `repro --dry-run`
 * and `--max-cost`. Prices change: `--prices FILE` (a JSON PriceTable, see llm's prices.ts) replaces them.
 */
import { readFileSync } from 'node:fs';
import { type ErrorKind, type PriceTable, validatePriceTable } from '@llm-autodiff/llm';

export const LIST_PRICES: PriceTable = {
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  'gpt-4o-2024-08-06': { input: 2.5, cachedInput: 1.25, output: 10 },
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  'gpt-3.5-turbo-0125': { input: 0.5, output: 1.5 },
  'gpt-4.1': { input: 2, cachedInput: 0.5, output: 8 },
  'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6 },
};

/** Where LIST_PRICES come from and when: printed beside every dollar figure made with them. */
export const LIST_PRICES_SOURCE =
  "OpenAI's list prices per 1M tokens as recorded in this repository on 2026-11-29 (--prices FILE for current ones)";

/** A `--prices` file that cannot be used: bad input (exit 2), one line naming the file and the field. */
export class PriceFileError extends Error {
  override readonly name = 'PriceFileError';
  readonly errorKind: ErrorKind = 'input';
}

/** Reads a price table file (train's and repro's `--prices`); a mistake names the file and the field. */
export function readPriceFile(file: string): PriceTable {
  let table: PriceTable;
  try {
    table = JSON.parse(readFileSync(file, 'utf8')) as PriceTable;
  } catch (e) {
    throw new PriceFileError(`--prices: ${file}: not a readable JSON price table (${(e as Error).message})`);
  }
  try {
    validatePriceTable(table, file);
  } catch (e) {
    throw new PriceFileError(`--prices: ${(e as Error).message}`);
  }
  return table;
}

/** Where the dollar figures' prices come from: `--prices FILE`, else the list prices. */
export function pricesSource(file: string | undefined): string {
  return file ? `prices from ${file}` : LIST_PRICES_SOURCE;
}
