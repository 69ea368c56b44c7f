/**
 * The experiment file's schema (zod): which pipelines and methods, how many repeats, the models per role,
 * the per-run budget, the splits' sizes and the trainer config with per-pipeline/per-method overrides.
 * Every mistake is an issue with a path, which the loader turns into `file:line: path: message`.
 */

import { PIPELINE_NAMES, type PipelineName } from '@llm-autodiff/tasks';
import { z } from 'zod/v4';
import { checkModelSpec } from '../model-registry';
import { checkRunConfig, type RunConfigInput } from '../run-config';
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

const limits = z.strictObject({
  calls: count.optional(),
  tokens: count.optional(),
  usd: z.number().positive().optional(),
});

const role = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a budget scope is "total" or a role name');

/** A list without repeats (a repeated method would write the same run twice). */
function unique<T extends z.ZodType<string>>(item: T) {
  return z
    .array(item)
    .min(1)
    .superRefine((xs, ctx) => {
      const seen = new Set<string>();
      xs.forEach((x, i) => {
        if (seen.has(x)) ctx.addIssue({ code: 'custom', message: `"${x}" is listed twice`, path: [i] });
        seen.add(x);
      });
    });
}

export const ExperimentSchema = z.strictObject({
  /** Folder name under the results root; letters, digits, `.`, `_`, `-`. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'name must be letters, digits, ".", "_" or "-" (a folder name)'),
  description: z.string().optional(),
  pipelines: unique(pipelineName),
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
  budget: z.record(role, limits).optional(),
  /** Use only the first N examples of each split (small, fast experiments). */
  sizes: z
    .strictObject({ train: count.optional(), val: count.optional(), test: count.optional() })
    .default({}),
  /** Trainer config of every run. */
  config: trainerConfig.default({}),
  /** Applied in order on top of `config` to the runs they match (all pipelines / methods when left out). */
  overrides: z
    .array(
      z.strictObject({
        pipelines: z.array(pipelineName).optional(),
        methods: z.array(methodName).optional(),
        config: trainerConfig,
      }),
    )
    .default([]),
  /** Runs in flight at once (each model's own concurrency limit still applies across runs). */
  concurrency: count.default(2),
});

export type Experiment = z.output<typeof ExperimentSchema>;
export type ExperimentInput = z.input<typeof ExperimentSchema>;

export function pipelinesOf(e: Experiment): PipelineName[] {
  return e.pipelines as PipelineName[];
}
