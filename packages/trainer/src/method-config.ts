/**
 * A method's config, checked by its one zod schema: field names, ranges, defaults and the docs that help
 * texts show all come from it. A mistake is a `MethodConfigError` (an input error: one line naming the
 * method and the field), never a silent replacement.
 */
import { type ZodError, type ZodIssue, type ZodTypeAny, z } from 'zod';
import { TrainerInputError } from './errors';

/** A bad method config: a TrainerInputError, so every command prints it as one line (exit 2). */
export class MethodConfigError extends TrainerInputError {
  override readonly name = 'MethodConfigError';
}

/** The schema inside default/optional/effects wrappers. */
function baseOf(schema: ZodTypeAny): ZodTypeAny {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap();
    else if (s instanceof z.ZodDefault) s = s.removeDefault();
    else if (s instanceof z.ZodEffects) s = s.innerType();
    else return s;
  }
}

/** The object schema inside optional/default/effects wrappers, if there is one. */
function objectOf(schema: ZodTypeAny): z.AnyZodObject | undefined {
  const s = baseOf(schema);
  return s instanceof z.ZodObject ? s : undefined;
}

function shapeAt(schema: ZodTypeAny, path: readonly (string | number)[]): string[] {
  let s: ZodTypeAny | undefined = schema;
  for (const key of path) s = s && objectOf(s)?.shape[String(key)];
  const o = s && objectOf(s);
  return o ? Object.keys(o.shape) : [];
}

function issueLine(method: string, schema: ZodTypeAny, issue: ZodIssue): string {
  const at = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    const known = shapeAt(schema, issue.path);
    const field = issue.keys.map((k) => `"${at ? `${at}.` : ''}${k}"`).join(', ');
    return `${method} config: unknown field ${field} (known: ${known.join(', ')})`;
  }
  return at ? `${method} config: "${at}": ${issue.message}` : `${method} config: ${issue.message}`;
}

/** The first issue of a failed parse as one line naming the method and the field. */
function configErrorLine(method: string, schema: ZodTypeAny, error: ZodError): string {
  const issue = error.issues[0];
  return issue ? issueLine(method, schema, issue) : `${method} config: invalid`;
}

/** `input` (an object or undefined) checked and completed with the schema's defaults. */
export function parseMethodConfig<C>(
  method: string,
  schema: z.ZodType<C, z.ZodTypeDef, unknown>,
  input: unknown,
): C {
  const r = schema.safeParse(input ?? {});
  if (!r.success) throw new MethodConfigError(configErrorLine(method, schema, r.error));
  return r.data;
}

/** One field of a config schema, for help texts. */
export interface ConfigField {
  /** Dotted path, e.g. `demos.steps`. */
  name: string;
  /** The schema's `.describe()` text. */
  description?: string;
  /** The values the schema takes, e.g. `integer ≥ 1`, `number 0..1`, `constrained | random`. */
  type?: string;
  /** JSON of the default, when the field has one. */
  default?: string;
}

/** What values a leaf schema takes, as help texts say it; undefined for kinds help has no words for. */
function valueType(schema: ZodTypeAny): string | undefined {
  const s = baseOf(schema);
  if (s instanceof z.ZodNumber) {
    const kind = s.isInt ? 'integer' : 'number';
    const [min, max] = [s.minValue, s.maxValue];
    if (min !== null && max !== null) return `${kind} ${min}..${max}`;
    if (min !== null) return `${kind} ≥ ${min}`;
    if (max !== null) return `${kind} ≤ ${max}`;
    return kind;
  }
  if (s instanceof z.ZodBoolean) return 'true | false';
  if (s instanceof z.ZodString) return 'string';
  if (s instanceof z.ZodEnum) return (s.options as string[]).join(' | ');
  if (s instanceof z.ZodLiteral) return JSON.stringify(s.value);
  if (s instanceof z.ZodArray) {
    const element = valueType(s.element);
    if (!element) return 'list';
    return /^\w+$/.test(element) ? `list of ${element}s` : `list of (${element})`;
  }
  return undefined;
}

/** Every leaf field of a config schema with its type, description and default (nested objects flattened). */
export function configFields(schema: ZodTypeAny, prefix = ''): ConfigField[] {
  const o = objectOf(schema);
  if (!o) return [];
  const out: ConfigField[] = [];
  for (const [key, field] of Object.entries(o.shape as Record<string, ZodTypeAny>)) {
    const name = `${prefix}${key}`;
    const inner = objectOf(field);
    if (inner) {
      out.push(...configFields(inner, `${name}.`));
      continue;
    }
    const def = field instanceof z.ZodDefault ? (field._def.defaultValue() as unknown) : undefined;
    const type = valueType(field);
    out.push({
      name,
      ...(type ? { type } : {}),
      ...(field.description ? { description: field.description } : {}),
      ...(def !== undefined ? { default: JSON.stringify(def) } : {}),
    });
  }
  return out;
}

/**
 * Deep-partial of an object schema without its defaults: a layer of settings that may name any field and
 * leaves the others out (a default would fill them in and overwrite an earlier layer).
 */
export function partialLayer(schema: ZodTypeAny): ZodTypeAny {
  const o = objectOf(schema);
  if (!o) {
    const plain = schema instanceof z.ZodDefault ? schema.removeDefault() : schema;
    return plain instanceof z.ZodOptional ? plain : plain.optional();
  }
  const shape = Object.fromEntries(
    Object.entries(o.shape as Record<string, ZodTypeAny>).map(([k, v]) => [k, partialLayer(v)]),
  );
  const partial = z.object(shape);
  return (o._def.unknownKeys === 'strict' ? partial.strict() : partial).optional();
}
