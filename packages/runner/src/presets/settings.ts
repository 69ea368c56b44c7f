/**
 * The settings of one `autodiff train` run, as one validated object: GDPO's configuration, the trainer's
 * seed and concurrency, pipeline options, and per role the model the reference used and the sampling
 * options every request of that role carries. A preset is a complete `RunSettings`; a config file,
 * `--set` and the flags give partial ones (`SettingsInput`) laid over it.
 */
import { gdpoConfigSchema } from '@llm-autodiff/gdpo';
import { partialLayer } from '@llm-autodiff/trainer';
import { z } from 'zod';

/** Sampling options set on every request of a role (unset = the provider's default). */
const sampling = {
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().gt(0).max(1).optional(),
  maxTokens: z.number().int().positive().optional(),
};

const roleSchema = z
  .object({
    /** The model the reference's scripts use for this role (documentation; the spec comes from flags). */
    reference: z.string().min(1),
    ...sampling,
  })
  .strict();

const count = (min: number) => z.number().int().min(min);

export const settingsSchema = z
  .object({
    // GDPO's own schema (the gdpo package's): one validator, its types inferred from it.
    gdpo: gdpoConfigSchema,
    trainer: z.object({ seed: count(0), concurrency: count(1), earlyStopValidation: z.boolean() }).strict(),
    pipeline: z.object({ objectCountParser: z.enum(['ours', 'reference']) }).strict(),
    models: z
      .object({ task: roleSchema, backward: roleSchema, optimizer: roleSchema, teacher: roleSchema })
      .strict(),
  })
  .strict();

export type RunSettings = z.infer<typeof settingsSchema>;
export type RoleSettings = RunSettings['models']['task'];
export type RoleName = keyof RunSettings['models'];

type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** Any part of the settings (a config file, `--set`, the flags); no defaults filled in. */
export type SettingsInput = DeepPartial<RunSettings>;
export const settingsInputSchema = partialLayer(settingsSchema) as z.ZodType<
  SettingsInput | undefined,
  z.ZodTypeDef,
  unknown
>;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Objects merge key by key; anything else (numbers, strings, arrays) replaces. */
export function deepMerge<T>(base: T, over: unknown): T {
  if (!isObject(base) || !isObject(over)) return (over === undefined ? base : over) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) if (v !== undefined) out[k] = deepMerge(out[k], v);
  return out as T;
}

/** The sampling options of a role as llm's `ChatOptions` fields (the `reference` name left out). */
export function samplingOf(role: RoleSettings): { temperature?: number; topP?: number; maxTokens?: number } {
  const { reference: _reference, ...options } = role;
  return options;
}

/** Every role's sampling options (`samplingOf`), as `setupRun` takes them. */
export function samplingByRole(
  models: RunSettings['models'],
): Record<RoleName, ReturnType<typeof samplingOf>> {
  return {
    task: samplingOf(models.task),
    backward: samplingOf(models.backward),
    optimizer: samplingOf(models.optimizer),
    teacher: samplingOf(models.teacher),
  };
}
