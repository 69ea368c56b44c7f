import { readTag, TAGS } from '@llm-autodiff/llm';

const A = TAGS.optimizer.answer;

/** The new value from an optimizer-style answer (`<PROPOSED_VALUE>`), or undefined when absent or empty. */
export function proposedValue(text: string): string | undefined {
  const v = readTag(text, A.value);
  return v && v.trim().length > 0 ? v.trim() : undefined;
}
