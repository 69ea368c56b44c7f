import { encode } from 'gpt-tokenizer';
import type { ChatMessage } from './types';

/** Tokens of `text` under the o200k BPE (GPT-4o family); the estimate used when a server reports none. */
export function countTokens(text: string): number {
  return encode(text).length;
}

/** Chat overhead follows OpenAI's published accounting: 3 tokens per message plus 3 for the reply primer. */
export function countMessageTokens(messages: readonly ChatMessage[]): number {
  let total = 3;
  for (const m of messages) total += 3 + countTokens(m.content) + 1;
  return total;
}
