/**
 * Reads the optimizer's answer. Models do not always follow the requested form, so three readings are
 * tried in order: the tagged sections, a JSON object (bare or fenced), and a single fenced block taken as
 * the value. Anything else is a parse failure: the caller keeps the old value and counts the failure —
 * taking the whole raw answer as the new prompt (as the reference does) would let chatter into the prompt.
 */
import { readTag, TAGS } from '@llm-autodiff/llm';

export interface ParsedProposal {
  reasoning: string;
  method: string;
  value: string;
  /** Which reading succeeded. */
  via: 'tags' | 'json' | 'fenced';
}

export type ParseResult = { ok: true; proposal: ParsedProposal } | { ok: false; error: string };

const A = TAGS.optimizer.answer;

function fromTags(text: string): ParsedProposal | undefined {
  const value = readTag(text, A.value) ?? readUnclosedValue(text);
  if (value === undefined || value.length === 0) return undefined;
  return {
    reasoning: readTag(text, A.reasoning) ?? '',
    method: readTag(text, A.method) ?? '',
    value,
    via: 'tags',
  };
}

/** A value tag opened but never closed (answer cut by max tokens or a sloppy model): take the rest. */
function readUnclosedValue(text: string): string | undefined {
  const open = `<${A.value}>`;
  const at = text.lastIndexOf(open);
  if (at < 0 || text.includes(`</${A.value}>`)) return undefined;
  const rest = text.slice(at + open.length).trim();
  return rest.length > 0 ? rest : undefined;
}

const JSON_VALUE_KEYS = ['proposed_value', 'proposedValue', 'proposed_variable', 'value', 'prompt'];

function pickString(obj: Record<string, unknown>, keys: string[]): string | undefined {
  for (const key of keys) {
    for (const [k, v] of Object.entries(obj)) {
      if (k.toLowerCase() === key.toLowerCase() && typeof v === 'string') return v;
    }
  }
  return undefined;
}

function fromJson(text: string): ParsedProposal | undefined {
  const candidates: string[] = [];
  for (const m of text.matchAll(/```(?:json)?\s*\n?([\s\S]*?)```/g)) candidates.push(m[1] ?? '');
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  if (first >= 0 && last > first) candidates.push(text.slice(first, last + 1));
  for (const c of candidates) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(c);
    } catch {
      continue;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) continue;
    const obj = parsed as Record<string, unknown>;
    const value = pickString(obj, JSON_VALUE_KEYS)?.trim();
    if (!value) continue;
    return {
      reasoning: pickString(obj, ['reasoning']) ?? '',
      method: pickString(obj, ['method']) ?? '',
      value,
      via: 'json',
    };
  }
  return undefined;
}

function fromFence(text: string): ParsedProposal | undefined {
  const blocks = [...text.matchAll(/```[a-zA-Z]*\s*\n([\s\S]*?)```/g)].map((m) => (m[1] ?? '').trim());
  if (blocks.length !== 1 || !blocks[0]) return undefined;
  return { reasoning: '', method: '', value: blocks[0], via: 'fenced' };
}

export function parseProposal(text: string): ParseResult {
  const proposal = fromTags(text) ?? fromJson(text) ?? fromFence(text);
  if (proposal === undefined) {
    const head = text.slice(0, 200).replace(/\s+/g, ' ');
    return {
      ok: false,
      error: `no <${A.value}> section, JSON object or single fenced block in the answer: "${head}"`,
    };
  }
  return { ok: true, proposal };
}
