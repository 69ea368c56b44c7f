/**
 * The experiment file's schema (zod): which pipelines and methods, how many repeats, the models per role,
 * the per-run budget, the splits' sizes and the trainer config with per-pipeline/per-method overrides,
 * all laid over each pipeline's reference preset (as `autodiff train`).
 * A pipeline is a built-in name or a user's own program with its data files (as `train --program`).
 * Every mistake is an issue with a path, which the loader turns into `file:line: path: message`.
 */

import { BUILTIN_ROLES } from '@llm-autodiff/llm';
import { PIPELINE_NAMES } from '@llm-autodiff/tasks';
import { z } from 'zod/v4';
import { methods } from '../methods';
import { checkModelSpec } from '../model-registry';
import { settingsInputSchema } from '../presets/settings';
import { pipelineNameOf } from '../program/program-flags';
import { checkMethodConfig, checkRunConfig, type RunConfigInput } from '../run-config';
import { parseMethod } from './methods';

const count = z.int().min(1);

const pipelineName = z.string().superRefine((name, ctx) => {
  if (!(PIPELINE_NAMES as string[]).includes(name))
    ctx.addIssue({
      code: 'custom',
      message: `unknown pipeline "${name}" (known: ${PIPELINE_NAMES.join(', ')})`,
    });
});

const methodName = z.string().superRefine((name, ctx) => {
  const parsed = parseMethod(name);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
});

/** A model spec the registry accepts (syntax, provider, sim profile); API keys are checked before a run. */
const modelSpec = z
  .string()
  .min(1)
  .superRefine((spec, ctx) => {
    const problem = checkModelSpec(spec);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Trainer config: checked by the trainer's own resolver so the two never disagree. */
const trainerConfig = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  try {
    checkRunConfig(value as RunConfigInput);
  } catch (e) {
    ctx.addIssue({
      code: 'custom',
      message: (e as Error).message.replace(/^[a-z][a-z-]* (config|settings): /, ''),
    });
  }
});

/**
 * Per-method configs, `{ textgrad: { epochs: 1 }, gepa: { maxMetricCalls: 200 } }`: each checked by THAT
 * method's `resolveConfig` (registry), the error pointed at the field it names when there is one.
 */
const methodConfigs = z.record(z.string(), z.record(z.string(), z.unknown())).superRefine((byMethod, ctx) => {
  for (const [name, value] of Object.entries(byMethod)) {
    if (!methods.has(name)) {
      const known = methods
        .list()
        .map((m) => m.name)
        .join(', ');
      ctx.addIssue({ code: 'custom', message: `unknown method "${name}" (known: ${known})`, path: [name] });
      continue;
    }
    try {
      checkMethodConfig(name, value);
    } catch (e) {
      // The path names the method: drop the resolver's own `textgrad config: ` prefix.
      const message = (e as Error).message.replace(/^[a-z][a-z-]* config: /, '');
      const field = /"([^"]+)"/.exec(message)?.[1];
      const named = field !== undefined && field in value;
      // The issue's path names the field: the message then drops its own `"field": `.
      ctx.addIssue({
        code: 'custom',
        message: named ? message.replace(`"${field}": `, '') : message,
        path: named ? [name, field] : [name],
      });
    }
  }
});

/**
 * Any part of a run's settings (`gdpo`, `trainer`, `pipeline`, `models`: what `train --config` takes), e.g.
 * a role's sampling options or the ObjectCount parser; checked by the settings schema, issues at their path.
 */
const runSettings = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const r = settingsInputSchema.safeParse(value);
  if (r.success) return;
  for (const issue of r.error.issues)
    ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path as PropertyKey[] });
});

const limits = z.strictObject({
  calls: count.optional(),
  tokens: count.optional(),
  usd: z.number().positive().optional(),
});

/** As `--budget`: a typo'd scope would be a limit nothing ever counts against. */
const BUDGET_SCOPES: readonly string[] = ['total', ...BUILTIN_ROLES];
const budget = z.record(z.string(), limits).superRefine((scopes, ctx) => {
  for (const scope of Object.keys(scopes))
    if (!BUDGET_SCOPES.includes(scope))
      ctx.addIssue({
        code: 'custom',
        message: `unknown budget scope "${scope}"; valid scopes: ${BUDGET_SCOPES.join(', ')}`,
        path: [scope],
      });
});

/** A list without repeats (a repeated method would write the same run twice), compared by `key`. */
function unique<T extends z.ZodType>(item: T, key: (x: z.output<T>) => string | undefined = String) {
  return z
    .array(item)
    .min(1)
    .superRefine((xs, ctx) => {
      const seen = new Set<string>();
      xs.forEach((x, i) => {
        const k = key(x);
        if (k === undefined) return;
        if (seen.has(k)) ctx.addIssue({ code: 'custom', message: `"${k}" is listed twice`, path: [i] });
        seen.add(k);
      });
    });
}

/**
 * A user's own pipeline: `program` as `autodiff train --program` takes it (a Program, a factory given the
 * task model, or `{ create, load }`), and its data files unless the module loads its own. Paths are
 * relative to the experiment file.
 */
const customPipeline = z.strictObject({
  program: z.string().regex(/^[^#]+(#[A-Za-z_$][\w$]*)?$/, 'program is "path/to/file.ts#export"'),
  /** Its name in run ids, tables and overrides (default: the export's name, or the file's for a default export). */
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'name must be letters, digits, ".", "_" or "-"')
    .refine((n) => !(PIPELINE_NAMES as string[]).includes(n), 'name is a built-in pipeline')
    .optional(),
  data: z
    .strictObject({
      train: z.string().min(1),
      val: z.string().min(1),
      /** Default: the validation file. */
      test: z.string().min(1).optional(),
      /** The example field <- the file's column (as `--fields`). */
      fields: z.record(z.string().regex(/^[A-Za-z_$][\w$]*$/, 'a field name'), z.string().min(1)).optional(),
    })
    .optional(),
});
export type CustomPipelineSpec = z.output<typeof customPipeline>;

/** A built-in pipeline's name, or a custom pipeline (each checked by its own schema, so errors stay specific). */
const pipelineEntry = z.unknown().transform((value, ctx): string | CustomPipelineSpec => {
  const parsed = typeof value === 'string' ? pipelineName.safeParse(value) : customPipeline.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues)
    ctx.addIssue({ code: 'custom', message: issue.message, path: [...issue.path] as PropertyKey[] });
  return z.NEVER;
});

/** An entry's name, or undefined for an entry that failed its own checks (reported already). */
const entryKey = (x: unknown): string | undefined =>
  typeof x === 'string' || typeof (x as Partial<CustomPipelineSpec>)?.program === 'string'
    ? pipelineNameOfEntry(x as string | CustomPipelineSpec)
    : undefined;

/** A pipeline entry's name: the built-in name, or the custom pipeline's (given, or from its program). */
export function pipelineNameOfEntry(entry: string | CustomPipelineSpec): string {
  return typeof entry === 'string' ? entry : (entry.name ?? pipelineNameOf(entry.program));
}

export const ExperimentSchema = z
  .strictObject({
    /** Folder name under the results root; letters, digits, `.`, `_`, `-`. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'name must be letters, digits, ".", "_" or "-" (a folder name)'),
    description: z.string().optional(),
    pipelines: unique(pipelineEntry, entryKey),
    methods: unique(methodName),
    /** Repeats per pipeline x method; repeat r trains with seed `seed + r`. */
    repeats: count.default(1),
    seed: z.int().min(0).default(2025),
    models: z
      .strictObject({
        task: modelSpec.optional(),
        backward: modelSpec.optional(),
        optimizer: modelSpec.optional(),
        teacher: modelSpec.optional(),
      })
      .default({}),
    /** Limits per run (scope `total` or a role), as `autodiff train --budget`. */
    budget: budget.optional(),
    /** Use only the first N examples of each split (small, fast experiments). */
    sizes: z
      .strictObject({ train: count.optional(), val: count.optional(), test: count.optional() })
      .default({}),
    /** Trainer settings of every run, and GDPO's fields (GDPO's own config). */
    config: trainerConfig.default({}),
    /** Each method's own config by method name (GDPO's entries win over its fields in `config`). */
    methodConfig: methodConfigs.default({}),
    /** Any part of the preset's settings (as `train --config`), laid over `config` and `methodConfig`. */
    settings: runSettings.optional(),
    /** Applied in order on top of `config` to the runs they match (all pipelines / methods when left out). */
    overrides: z
      .array(
        z.strictObject({
          /** Pipeline names (built-in, or a custom pipeline's name); checked against `pipelines`. */
          pipelines: z.array(z.string()).optional(),
          methods: z.array(methodName).optional(),
          config: trainerConfig.default({}),
          methodConfig: methodConfigs.default({}),
          settings: runSettings.optional(),
        }),
      )
      .default([]),
    /** Runs in flight at once (each model's own concurrency limit still applies across runs). */
    concurrency: count.default(2),
  })
  .superRefine((e, ctx) => {
    // Runs even when an entry failed its own checks: those are left out here.
    const names = e.pipelines.map(entryKey).filter((n): n is string => n !== undefined);
    e.overrides.forEach((o, i) => {
      o.pipelines?.forEach((p, j) => {
        if (!names.includes(p))
          ctx.addIssue({
            code: 'custom',
            message: `unknown pipeline "${p}" (this experiment's: ${names.join(', ')})`,
            path: ['overrides', i, 'pipelines', j],
          });
      });
    });
  });

export type Experiment = z.output<typeof ExperimentSchema>;
export type ExperimentInput = z.input<typeof ExperimentSchema>;

/** The experiment's pipelines by name, built-in and custom. */
export function pipelinesOf(e: Experiment): string[] {
  return e.pipelines.map(pipelineNameOfEntry);
}

/** The custom pipelines of an experiment. */
export function customPipelinesOf(e: Experiment): CustomPipelineSpec[] {
  return e.pipelines.filter((p): p is CustomPipelineSpec => typeof p !== 'string');
}
