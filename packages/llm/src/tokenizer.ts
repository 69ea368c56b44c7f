import { requireOptional } from './optional-module';
import type { ChatMessage } from './types';

type CountTokens = (text: string) => number;
interface Tokenizer {
  encode(text: string): number[];
}

/** Characters per token of the fallback estimate (English prose under o200k averages about 4). */
const CHARS_PER_TOKEN = 4;

/** Counts with `tokenizer`, or as characters / 4 without one. */
export function tokenCounter(tokenizer: Tokenizer | undefined): CountTokens {
  if (tokenizer) return (text) => tokenizer.encode(text).length;
  return (text) => Math.ceil(text.length / CHARS_PER_TOKEN);
}

let count: CountTokens | undefined;

/**
 * The o200k encoder, loaded on first use: loading its tables takes about 0.2 s of CPU (require and first
 * encode: 175-182 ms wall on an idle machine, 190-290 ms CPU on a busy one), and a run whose server reports
 * usage (or a replay) never needs it. `gpt-tokenizer` is an optional dependency of the library
 * (55 MB installed; the CLI depends on it): without it, counts are characters / 4, said once on stderr.
 */
function counter(): CountTokens {
  if (count) return count;
  const tokenizer = requireOptional<Tokenizer>('gpt-tokenizer');
  if (!tokenizer) {
    process.emitWarning(
      'gpt-tokenizer is not installed: token counts a server does not report are estimated as characters / 4 (npm install gpt-tokenizer for o200k counts)',
      { code: 'AUTODIFF_NO_TOKENIZER' },
    );
  }
  count = tokenCounter(tokenizer);
  return count;
}

/** Tokens of `text` under the o200k BPE (GPT-4o family); the estimate used when a server reports none. */
export function countTokens(text: string): number {
  return counter()(text);
}

/** Chat overhead follows OpenAI's published accounting: 3 tokens per message plus 3 for the reply primer. */
export function countMessageTokens(messages: readonly ChatMessage[]): number {
  let total = 3;
  for (const m of messages) total += 3 + countTokens(m.content) + 1;
  return total;
}
