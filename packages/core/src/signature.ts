/**
 * Typed signatures: `'message, product -> urgency: low | medium | high'` names a call's inputs and its one
 * output, with the output's type (`string` by default, `number`, `boolean`, or a union of labels). The
 * same string is read twice: by the type system (the inputs' names and the output's type, so a metric that
 * expects another type does not compile) and at run time (the user template, the format line, the parser).
 */
import { AutodiffError } from './errors';

type Trim<S extends string> = S extends ` ${infer R}`
  ? Trim<R>
  : S extends `${infer R} `
    ? Trim<R>
    : S extends `\n${infer R}`
      ? Trim<R>
      : S extends `${infer R}\n`
        ? Trim<R>
        : S;
type Split<S extends string, D extends string> = S extends `${infer H}${D}${infer T}`
  ? Trim<H> | Split<T, D>
  : Trim<S>;
type FieldName<F extends string> = Trim<F extends `${infer N}:${string}` ? N : F>;
type OutputType<T extends string> = T extends 'string'
  ? string
  : T extends 'number'
    ? number
    : T extends 'boolean'
      ? boolean
      : Split<T, '|'>;

/** The named inputs of a signature, e.g. `{ message: unknown; product: unknown }`. */
export type SignatureInputs<S extends string> = S extends `${infer In}->${string}`
  ? { [K in FieldName<Split<In, ','>>]: unknown }
  : never;

/** The output's type: `string`, `number`, `boolean` or the union of its labels. */
export type SignatureOutput<S extends string> = S extends `${string}->${infer Out}`
  ? Trim<Out> extends `${string}:${infer T}`
    ? OutputType<Trim<T>>
    : string
  : never;

/** The output field's name, e.g. `'urgency'`. */
export type SignatureOutputName<S extends string> = S extends `${string}->${infer Out}`
  ? FieldName<Out>
  : never;

export type OutputKind =
  | { kind: 'string' }
  | { kind: 'number' }
  | { kind: 'boolean' }
  | { kind: 'labels'; labels: string[] };

/** A signature read at run time. */
export interface Signature {
  inputs: string[];
  output: { name: string } & OutputKind;
}

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class SignatureError extends AutodiffError {
  override name = 'SignatureError';
}

/** Reads `'a, b -> out: x | y'`; a malformed signature is one error naming the part that is wrong. */
export function parseSignature(text: string): Signature {
  const where = `signature '${text}'`;
  if (typeof text !== 'string') throw new SignatureError('a signature must be a string', where);
  const parts = text.split('->');
  if (parts.length !== 2)
    throw new SignatureError("write it as 'inputs -> output', e.g. 'question -> answer'", where);
  const [left = '', right = ''] = parts;
  const inputs = left.split(',').map((f) => (f.split(':')[0] ?? '').trim());
  if (inputs.length === 1 && inputs[0] === '') throw new SignatureError('it names no input', where);
  for (const name of inputs)
    if (!FIELD.test(name))
      throw new SignatureError(`"${name}" is not a field name (letters, digits, _)`, where);
  if (new Set(inputs).size !== inputs.length) throw new SignatureError('an input is named twice', where);
  if (right.includes(','))
    throw new SignatureError('a signature has one output (chain generators for more)', where);
  const colon = right.indexOf(':');
  const name = (colon < 0 ? right : right.slice(0, colon)).trim();
  if (!FIELD.test(name)) throw new SignatureError(`"${name}" is not an output field name`, where);
  if (inputs.includes(name)) throw new SignatureError(`"${name}" is both an input and the output`, where);
  const type = colon < 0 ? 'string' : right.slice(colon + 1).trim();
  if (type === 'string' || type === 'number' || type === 'boolean')
    return { inputs, output: { name, kind: type } };
  const labels = type.split('|').map((l) => l.trim());
  if (labels.some((l) => l === ''))
    throw new SignatureError(`the output's labels "${type}" have an empty one`, where);
  if (labels.length < 2)
    throw new SignatureError(
      `the output type "${type}" is neither string, number, boolean nor a | b labels`,
      where,
    );
  if (new Set(labels.map((l) => l.toLowerCase())).size !== labels.length)
    throw new SignatureError('a label is listed twice', where);
  return { inputs, output: { name, kind: 'labels', labels } };
}

/** `product_name` → `Product name`. */
export function fieldTitle(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const listWords = (names: string[]): string =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

/** The starting instruction a signature implies, e.g. "Given the message and the product, give the urgency." */
export function defaultInstruction(sig: Signature): string {
  const from = listWords(sig.inputs.map((n) => `the ${fieldTitle(n).toLowerCase()}`));
  return `Given ${from}, give the ${fieldTitle(sig.output.name).toLowerCase()}.`;
}

/** The fixed format line (not trained): what form the answer must take. */
export function formatInstruction(sig: Signature): string {
  const title = fieldTitle(sig.output.name);
  switch (sig.output.kind) {
    case 'labels':
      return `Answer with exactly one of: ${sig.output.labels.join(', ')}. Reply as "${title}: <label>".`;
    case 'number':
      return `Answer with a number. Reply as "${title}: <number>".`;
    case 'boolean':
      return `Answer with yes or no. Reply as "${title}: <yes|no>".`;
    default:
      return `Reply as "${title}: <${sig.output.name}>".`;
  }
}

/** The user message: one `Title: value` line per input (objects as JSON). */
export function renderInputs(sig: Signature, values: Record<string, unknown>): string {
  return sig.inputs
    .map((name) => {
      const v = values[name];
      const text = typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v);
      return `${fieldTitle(name)}: ${text}`;
    })
    .join('\n');
}

/** Reads the answer text: the part after `Title:` when present, else the whole text, then by type. */
export function parseOutput(sig: Signature, text: string): unknown {
  const title = fieldTitle(sig.output.name);
  const tagged = new RegExp(
    `(?:^|\\n)\\s*\\**(?:${escapeRegExp(title)}|${escapeRegExp(sig.output.name)})\\**\\s*:\\s*(.*)`,
    'i',
  ).exec(text);
  const body = (tagged?.[1] ?? text).trim();
  const out = sig.output;
  switch (out.kind) {
    case 'labels': {
      const exact = out.labels.find((l) => l.toLowerCase() === stripPunctuation(body).toLowerCase());
      if (exact) return exact;
      const found = out.labels.filter((l) => new RegExp(`\\b${escapeRegExp(l)}\\b`, 'i').test(body));
      if (found.length === 1) return found[0];
      throw new Error(`expected one of ${out.labels.join(', ')}; got "${clip(body)}"`);
    }
    case 'number': {
      const m = /-?\d+(?:\.\d+)?/.exec(body.replace(/,(?=\d{3})/g, ''));
      if (!m) throw new Error(`expected a number; got "${clip(body)}"`);
      return Number(m[0]);
    }
    case 'boolean': {
      if (/^(yes|true)\b/i.test(body)) return true;
      if (/^(no|false)\b/i.test(body)) return false;
      throw new Error(`expected yes or no; got "${clip(body)}"`);
    }
    default:
      return body;
  }
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const stripPunctuation = (s: string): string => s.replace(/^["'`*\s]+|["'`*.!\s]+$/g, '');
const clip = (s: string): string => (s.length > 200 ? `${s.slice(0, 200)}…` : s);
