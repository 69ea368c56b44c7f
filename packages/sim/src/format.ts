/**
 * The output format a prompt asks for, and the rendering of an answer in it. A format is obeyed only
 * when it is clearly requested (JSON with named keys, or a literal `Answer:` line); otherwise the world
 * answers in a verbose default that strict parsers may fail on.
 */
export type OutputFormat =
  | { type: 'json'; keys: string[]; fenced: boolean }
  | { type: 'line'; prefix: string }
  | { type: 'none' };

const REASONING_KEYS = ['reasoning', 'rationale', 'thought', 'thoughts', 'explanation', 'analysis'];
const ANSWER_KEYS = ['answer', 'final_answer', 'class_name', 'class', 'label', 'category', 'count'];
const QUERY_KEYS = ['query', 'search_query', 'next_query'];
const ACTION_KEYS = ['action', 'tool', 'name', 'tool_name'];
const ARG_KEYS = ['input', 'action_input', 'argument', 'tool_input'];
const ARG_OBJECT_KEYS = ['kwargs', 'arguments', 'args', 'parameters'];
const KNOWN_KEYS = new Set([
  ...REASONING_KEYS,
  ...ANSWER_KEYS,
  ...QUERY_KEYS,
  ...ACTION_KEYS,
  ...ARG_KEYS,
  ...ARG_OBJECT_KEYS,
]);

export function detectFormat(instruction: string): OutputFormat {
  if (/\bjson\b/i.test(instruction)) {
    const keys: string[] = [];
    const push = (k: string) => {
      if (!keys.includes(k)) keys.push(k);
    };
    // Keys of a JSON example: "key": or 'key':
    for (const m of instruction.matchAll(/["'](\w+)["']\s*:/g)) push((m[1] as string).toLowerCase());
    if (keys.length === 0) {
      // Keys listed by name: `key`, "key" or 'key', when they are words a format would use.
      for (const m of instruction.matchAll(/[`"'](\w+)[`"']/g)) {
        const k = (m[1] as string).toLowerCase();
        if (KNOWN_KEYS.has(k)) push(k);
      }
    }
    if (keys.length > 0) return { type: 'json', keys, fenced: /```json/i.test(instruction) };
  }
  if (/\bAnswer:/.test(instruction)) return { type: 'line', prefix: 'Answer:' };
  return { type: 'none' };
}

/** What the prompt asks the model to produce, from the requested keys. */
export function kindFromFormat(format: OutputFormat): 'react' | 'query' | 'answer' | undefined {
  if (format.type === 'line') return 'answer';
  if (format.type !== 'json') return undefined;
  if (format.keys.some((k) => ACTION_KEYS.includes(k) && k !== 'name') || format.keys.includes('action'))
    return 'react';
  if (format.keys.some((k) => QUERY_KEYS.includes(k))) return 'query';
  if (format.keys.some((k) => ANSWER_KEYS.includes(k))) return 'answer';
  if (format.keys.includes('name') && format.keys.some((k) => ARG_OBJECT_KEYS.includes(k))) return 'react';
  return undefined;
}

export interface Content {
  reasoning: string;
  answer?: string;
  query?: string;
  action?: 'search' | 'finish';
  /** Tool argument of a ReAct step: the search query or the final answer. */
  argument?: string;
}

/** Render `content` in the requested format (the caller decides whether the format was obeyed). */
export function renderFormatted(format: OutputFormat, content: Content): string {
  if (format.type === 'line') return `${content.reasoning}\n${format.prefix} ${content.answer ?? ''}`;
  if (format.type === 'json') {
    const obj: Record<string, unknown> = {};
    for (const k of format.keys) {
      if (REASONING_KEYS.includes(k)) obj[k] = content.reasoning;
      else if (ANSWER_KEYS.includes(k)) obj[k] = content.answer ?? content.argument ?? '';
      else if (QUERY_KEYS.includes(k)) obj[k] = content.query ?? content.argument ?? '';
      else if (ACTION_KEYS.includes(k)) obj[k] = content.action ?? '';
      else if (ARG_KEYS.includes(k)) obj[k] = content.argument ?? '';
      else if (ARG_OBJECT_KEYS.includes(k))
        obj[k] =
          content.action === 'search'
            ? { query: content.argument ?? '' }
            : { answer: content.argument ?? '' };
      else obj[k] = '';
    }
    const json = JSON.stringify(obj, null, 2);
    return format.fenced ? `\`\`\`json\n${json}\n\`\`\`` : json;
  }
  return content.reasoning;
}
