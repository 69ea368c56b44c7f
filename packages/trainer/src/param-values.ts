/**
 * What a parameter's value may be, by its kind: a checkpoint (or any file) that sets a prompt to a
 * number or a demo list to a string is refused with the field named, never used as the value.
 */
import type { Parameter, ParamKind } from '@llm-autodiff/core';
import { z } from 'zod';
import { firstIssue } from './checkpoint';

const demo = z.object({ input: z.string(), output: z.string(), sampleId: z.string().optional() }).strict();

const BY_KIND: Partial<Record<ParamKind, { schema: z.ZodTypeAny; what: string }>> = {
  prompt: { schema: z.string(), what: 'a prompt (a string)' },
  demos: { schema: z.array(demo), what: 'a demo list ([{ input, output, sampleId? }])' },
};

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Why `value` cannot be `p`'s value, or undefined when it can. Other kinds keep their current type. */
export function wrongValue(p: Parameter, value: unknown): string | undefined {
  const rule = BY_KIND[p.kind];
  if (!rule) {
    const want = typeOf(p.value);
    return typeOf(value) === want
      ? undefined
      : `expected a ${want} (a ${p.kind} parameter), got ${typeOf(value)}`;
  }
  const parsed = rule.schema.safeParse(value);
  if (parsed.success) return undefined;
  const detail = firstIssue(parsed.error).replace(/^the file: /, '');
  return `expected ${rule.what}, got ${typeOf(value)}${typeOf(value) === 'array' || typeOf(value) === 'object' ? ` (${detail})` : ''}`;
}
