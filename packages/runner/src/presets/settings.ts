/**
 * The settings of one `autodiff train` run, as one validated object: GDPO's configuration, the trainer's
 * seed and concurrency, pipeline options, and per role the model the reference used and the sampling
 * options every request of that role carries. A preset is a complete `RunSettings`; a config file,
 * `--set` and the flags give partial ones (`SettingsInput`) laid over it.
 */
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

const ablationsSchema = z
  .object({
    noSelectiveGradients: z.boolean(),
    noMiniBatchGate: z.boolean(),
    noHistory: z.boolean(),
    noPeers: z.boolean(),
    noFeedbackText: z.boolean(),
    noBackward: z.boolean(),
    noPromptTechniques: z.boolean(),
  })
  .strict();

const count = (min: number) => z.number().int().min(min);
const unit = z.number().min(0).max(1);

/** GDPO's full configuration (the gdpo package validates it again; this gives file and flag errors paths). */
export const gdpoSchema = z
  .object({
    strategy: z.enum(['constrained', 'random']),
    steps: count(0),
    batchSize: count(1),
    proposalsPerStep: count(1),
    historySize: count(0),
    failedMemory: count(0),
    skipThreshold: unit,
    correctThreshold: unit,
    maxErrorSamples: count(0),
    maxCorrectSamples: count(0),
    movingBatchCap: count(1),
    movingBatchMinErrors: count(0),
    perfectSubsetPassesOnEqual: z.boolean(),
    constraints: z.array(z.string()),
    failedRendering: z.enum(['reference', 'full']),
    onParseFailure: z.enum(['keep', 'raw']),
    backwardAccounting: z.enum(['paper', 'reference']),
    ablations: ablationsSchema,
    demos: z
      .object({
        steps: count(0),
        bootstrapShots: count(0),
        rawShots: count(0),
        weighted: z.boolean(),
        teacherInputs: z.boolean(),
      })
      .strict(),
  })
  .strict();

export const settingsSchema = z
  .object({
    gdpo: gdpoSchema,
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

/** Any part of the settings (a config file, `--set`, the flags). */
export const settingsInputSchema = settingsSchema.deepPartial();
export type SettingsInput = z.infer<typeof settingsInputSchema>;

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
