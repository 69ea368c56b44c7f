import { createRequire } from 'node:module';
import type { ChatMessage } from './types';

type Encode = typeof import('gpt-tokenizer').encode;
let encode: Encode | undefined;

/**
 * The BPE tables cost ~0.2 s of CPU to load: they load on the first count, not with the package (a CLI
 * command that counts no token never pays for them). The package's CommonJS build is the same encoder.
 */
function encoder(): Encode {
  encode ??= (createRequire(import.meta.url)('gpt-tokenizer') as typeof import('gpt-tokenizer')).encode;
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
