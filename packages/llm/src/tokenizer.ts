import { createRequire } from 'node:module';
import type { ChatMessage } from './types';

type Encode = (text: string) => number[];
let encode: Encode | undefined;

/**
 * The o200k encoder, loaded on first use: loading its tables takes about a second, and a run whose
 * server reports usage (or a replay) never needs it.
 */
function encoder(): Encode {
  encode ??= (createRequire(import.meta.url)('gpt-tokenizer') as { encode: Encode }).encode;
  return encode;
}

/** Tokens of `text` under the o200k BPE (GPT-4o family); the estimate used when a server reports none. */
export function countTokens(text: string): number {
  return encoder()(text).length;
}

/** Chat overhead follows OpenAI's published accounting: 3 tokens per message plus 3 for the reply primer. */
export function countMessageTokens(messages: readonly ChatMessage[]): number {
  let total = 3;
  for (const m of messages) total += 3 + countTokens(m.content) + 1;
  return total;
}
