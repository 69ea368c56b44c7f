/**
 * The generation controls of the wire protocol, applied to the sim's answer text: the response format
 * (json_object, json_schema), stop sequences (cut, not returned) and the token limit (finish_reason
 * "length"), in the order a real model meets them.
 */
import { countTokens } from '@llm-autodiff/llm';
import { isRecord, type JsonSchema, type WireControls, type WireFormat } from './server-request';

export type FinishReason = 'stop' | 'length';

export interface ControlledText {
  text: string;
  finishReason: FinishReason;
}

/** The JSON object in a text, if the text holds one (possibly fenced or after reasoning lines). */
function objectIn(text: string): Record<string, unknown> | undefined {
  const m = text.match(/\{[\s\S]*\}/);
  if (!m) return undefined;
  try {
    const v: unknown = JSON.parse(m[0]);
    return isRecord(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function typesOf(schema: JsonSchema): string[] {
  const t = schema.type;
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  if (isRecord(schema.properties)) return ['object'];
  return ['string'];
}

/** A value valid against `schema`, taken from `found` when it fits, else derived from the text. */
function fill(schema: JsonSchema, found: unknown, text: string): unknown {
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return (
      schema.enum.find((e) => e === found) ??
      schema.enum.find((e) => typeof e === 'string' && text.includes(e)) ??
      schema.enum[0]
    );
  }
  const branches = (schema.anyOf ?? schema.oneOf) as unknown;
  if (Array.isArray(branches) && branches.length > 0 && isRecord(branches[0]))
    return fill(branches[0] as JsonSchema, found, text);
  const [type] = typesOf(schema);
  switch (type) {
    case 'object': {
      const props = isRecord(schema.properties) ? schema.properties : {};
      const src = isRecord(found) ? found : {};
      const out: Record<string, unknown> = {};
      for (const [k, sub] of Object.entries(props))
        out[k] = fill(
          isRecord(sub) ? sub : {},
          src[k],
          typeof src[k] === 'string' ? (src[k] as string) : text,
        );
      return out;
    }
    case 'array': {
      if (Array.isArray(found) && isRecord(schema.items))
        return found.map((x) => fill(schema.items as JsonSchema, x, text));
      return [];
    }
    case 'number':
    case 'integer': {
      const n =
        typeof found === 'number'
          ? found
          : Number(
              String(found ?? text)
                .match(/-?\d+(\.\d+)?/g)
                ?.at(-1),
            );
      if (!Number.isFinite(n)) return 0;
      return type === 'integer' ? Math.round(n) : n;
    }
    case 'boolean':
      return typeof found === 'boolean' ? found : /\b(yes|true)\b/i.test(String(found ?? text));
    case 'null':
      return null;
    default:
      return typeof found === 'string' ? found : found === undefined ? text : JSON.stringify(found);
  }
}

/** The answer in the requested response format. */
export function applyFormat(text: string, format: WireFormat): string {
  if (format.type === 'text') return text;
  const found = objectIn(text);
  if (format.type === 'json_object') return JSON.stringify(found ?? { response: text });
  // The answer key of the sim's own JSON is the best source for a one-field schema.
  return JSON.stringify(fill(format.schema, found ?? {}, text));
}

/** Cut at the first stop sequence; the sequence itself is not returned. */
export function applyStop(text: string, stop: readonly string[]): string {
  let cut = text.length;
  for (const s of stop) {
    const i = text.indexOf(s);
    if (i >= 0 && i < cut) cut = i;
  }
  return text.slice(0, cut);
}

/** The longest prefix of `text` with at most `max` tokens (binary search on characters). */
export function truncateTokens(text: string, max: number): string {
  if (countTokens(text) <= max) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (countTokens(text.slice(0, mid)) <= max) lo = mid;
    else hi = mid - 1;
  }
  return text.slice(0, lo);
}

export function applyControls(
  text: string,
  controls: Pick<WireControls, 'maxTokens' | 'stop' | 'format'>,
): ControlledText {
  const stopped = applyStop(applyFormat(text, controls.format), controls.stop);
  if (controls.maxTokens !== undefined && countTokens(stopped) > controls.maxTokens)
    return { text: truncateTokens(stopped, controls.maxTokens), finishReason: 'length' };
  return { text: stopped, finishReason: 'stop' };
}

/**
 * Every choice under the controls, with the completion tokens of what is returned: a cut or reformatted
 * answer has its own count; an unchanged one keeps `completionTokens`, the count of the raw choices.
 */
export function controlChoices(
  choices: readonly string[],
  completionTokens: number,
  controls: Pick<WireControls, 'maxTokens' | 'stop' | 'format'>,
): { outputs: ControlledText[]; completionTokens: number } {
  const outputs = choices.map((text) => applyControls(text, controls));
  const changed = outputs.some((o, i) => o.text !== choices[i]);
  return {
    outputs,
    completionTokens: changed ? outputs.reduce((sum, o) => sum + countTokens(o.text), 0) : completionTokens,
  };
}
