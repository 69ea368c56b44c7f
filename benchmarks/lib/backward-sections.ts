/**
 * Where a backward-engine request's tokens go. A request (as the call timeline records it:
 * `SYSTEM:\n…\n\nUSER:\n…`) is split into its system message, each top-level tagged section of the user
 * message (TARGET_VARIABLE, PEERS, COMPONENT_INPUTS, … — whatever tags the method's template writes) and
 * the untagged instructions between them; each part is counted with the project's tokenizer. The kinds
 * of the target variable and of the component say what the call was for: feedback on a trainable prompt
 * (what the optimizer edits) or on an intermediate value (a step on the way to one).
 */
import { countTokens, readTags, TAGS } from '@llm-autodiff/llm';

/** The system message's share. */
export const SYSTEM_PART = 'system message';
/** Text of the user message outside any tagged section (objective, connecting sentences, hints). */
export const INSTRUCTIONS_PART = 'instructions';

export interface BackwardRequestParts {
  /** Tokens by part, in the order the parts first appear. */
  tokens: Map<string, number>;
  /** KIND of TARGET_VARIABLE (prompt, demos, input, output, …), when the request names one. */
  targetKind?: string;
  /** KIND of COMPONENT (generator, function, loss), when the request names one. */
  componentKind?: string;
}

const USER_HEADER = '\n\nUSER:\n';
const OPEN_TAG = /^<([A-Z][A-Z0-9_]*)>/gm;

/** Kinds of parameter that an optimizer edits; feedback on one of them is a gradient the step can use. */
export const TRAINABLE_KINDS: ReadonlySet<string> = new Set(['prompt', 'demos']);

export function backwardRequestParts(
  prompt: string,
  count: (text: string) => number = countTokens,
): BackwardRequestParts {
  const tokens = new Map<string, number>();
  const add = (part: string, text: string) => {
    if (text === '') return;
    tokens.set(part, (tokens.get(part) ?? 0) + count(text));
  };
  const split = prompt.indexOf(USER_HEADER);
  const system = split < 0 ? '' : prompt.slice(0, split);
  const user = split < 0 ? prompt : prompt.slice(split + USER_HEADER.length);
  add(SYSTEM_PART, system.replace(/^SYSTEM:\n/, ''));
  let at = 0;
  let targetKind: string | undefined;
  let componentKind: string | undefined;
  OPEN_TAG.lastIndex = 0;
  for (let m = OPEN_TAG.exec(user); m !== null; m = OPEN_TAG.exec(user)) {
    const name = m[1] as string;
    const close = `</${name}>`;
    const end = user.indexOf(close, m.index);
    // An opening tag with no closing one is text, not a section.
    if (end < 0) continue;
    const stop = end + close.length;
    add(INSTRUCTIONS_PART, user.slice(at, m.index));
    const section = user.slice(m.index, stop);
    add(name, section);
    if (name === TAGS.backward.variable) targetKind ??= readTags(section, TAGS.item.kind)[0];
    if (name === TAGS.backward.component) componentKind ??= readTags(section, TAGS.item.kind)[0];
    at = stop;
    OPEN_TAG.lastIndex = stop;
  }
  add(INSTRUCTIONS_PART, user.slice(at));
  return { tokens, targetKind, componentKind };
}
