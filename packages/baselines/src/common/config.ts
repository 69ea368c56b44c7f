/**
 * Method configs: defaults merged with the user's input, every field checked by name. A wrong field is
 * a one-line error naming the method and the field, never a silent replacement.
 */
import { TrainerInputError } from '@llm-autodiff/trainer';

/** A bad method config (a TrainerInputError, so the runner prints it as one line). */
export class MethodConfigError extends TrainerInputError {
  override readonly name = 'MethodConfigError';
}

export type FieldSpec =
  | { type: 'int'; min?: number; max?: number; optional?: boolean }
  | { type: 'number'; min?: number; max?: number; optional?: boolean }
  | { type: 'boolean' }
  | { type: 'strings' }
  | { type: 'enum'; values: readonly string[] };

function check(method: string, field: string, spec: FieldSpec, v: unknown): void {
  const fail = (want: string) => {
    throw new MethodConfigError(`${method} config: "${field}" must be ${want}, got ${JSON.stringify(v)}`);
  };
  switch (spec.type) {
    case 'int':
    case 'number': {
      if (v === undefined && spec.optional) return;
      if (typeof v !== 'number' || !Number.isFinite(v)) fail('a number');
      const n = v as number;
      if (spec.type === 'int' && !Number.isInteger(n)) fail('an integer');
      if (spec.min !== undefined && n < spec.min) fail(`>= ${spec.min}`);
      if (spec.max !== undefined && n > spec.max) fail(`<= ${spec.max}`);
      return;
    }
    case 'boolean':
      if (typeof v !== 'boolean') fail('true or false');
      return;
    case 'strings':
      if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) fail('a list of strings');
      return;
    case 'enum':
      if (typeof v !== 'string' || !spec.values.includes(v)) fail(`one of ${spec.values.join(', ')}`);
      return;
  }
}

/** `defaults` overridden by `input` (an object or undefined); unknown fields and bad values throw. */
export function resolveFields<C extends object>(
  method: string,
  input: unknown,
  defaults: C,
  specs: { [K in keyof C]: FieldSpec },
): C {
  if (input !== undefined && (input === null || typeof input !== 'object' || Array.isArray(input)))
    throw new MethodConfigError(`${method} config must be an object, got ${JSON.stringify(input)}`);
  const given = (input ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(key in specs))
      throw new MethodConfigError(
        `${method} config: unknown field "${key}" (known: ${Object.keys(specs).join(', ')})`,
      );
  }
  const out = { ...defaults } as Record<string, unknown>;
  for (const [key, spec] of Object.entries(specs) as Array<[string, FieldSpec]>) {
    const v = key in given ? given[key] : out[key];
    check(method, key, spec, v);
    out[key] = Array.isArray(v) ? [...v] : v;
  }
  return out as C;
}
