/**
 * The committed table of measured counts (step-counts.json), produced by
 * `npx tsx scripts/measure-step-counts.ts` on the simulated world. Token counts are the real tokenizer's
 * (o200k) on the real prompts the pipelines send.
 *
 * Per pipeline: the evaluation's calls per example, and per method the calls its training phases made at
 * the measurement's settings next to the driver (the method's cost model) they scale with, plus the final
 * test's calls per example (its prompts carry what the method learned, e.g. demos).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PreflightError } from './preflight';

export const STEP_COUNTS_FORMAT = 2;

const tokensPerCall = z.object({ prompt: z.number().nonnegative(), completion: z.number().nonnegative() });
const role = z.enum(['task', 'teacher', 'backward', 'optimizer']);

const perExample = z.object({
  callsPerExample: z.record(role, z.number().nonnegative()),
  tokensPerCall: z.record(role, tokensPerCall),
});

/** One role in one phase: the calls seen and the driver's value at the measurement's settings. */
const measuredRole = z.object({
  calls: z.number().nonnegative(),
  driver: z.number().nonnegative(),
  tokensPerCall,
});

const measuredMethod = z.object({
  /** The method config given and the sizes used (train/val/test). */
  reference: z.object({
    config: z.record(z.string(), z.unknown()),
    sizes: z.object({ train: z.number().int(), val: z.number().int(), test: z.number().int() }),
    /** Runs measured (each its own simulated world); calls and drivers are their sums. */
    repeats: z.number().int().positive(),
    /** Training steps per run (mean). */
    steps: z.number().nonnegative(),
  }),
  /** Demos a task prompt carried at the reference config (methods that fill few-shot slots). */
  demosShown: z.number().nonnegative().optional(),
  phases: z.record(z.string(), z.record(role, measuredRole)),
  final: perExample,
});

const measuredPipeline = z.object({
  shape: z.object({ prompts: z.number().int().nonnegative(), demoSlots: z.number().int().nonnegative() }),
  /** The evaluation of the starting program (initial validation and test; all that `start` does). */
  eval: perExample,
  methods: z.record(z.string(), measuredMethod),
});

const stepCountTable = z.object({
  format: z.literal(STEP_COUNTS_FORMAT),
  measured: z.string(),
  /** Seconds the measurement took. */
  seconds: z.number().nonnegative().optional(),
  pipelines: z.record(z.string(), measuredPipeline),
});

export type TokensPerCall = z.infer<typeof tokensPerCall>;
export type MeasuredRole = z.infer<typeof measuredRole>;
export type MeasuredMethod = z.infer<typeof measuredMethod>;
export type MeasuredPipeline = z.infer<typeof measuredPipeline>;
export type StepCountTable = z.infer<typeof stepCountTable>;

// Beside the experiment presets, so it ships with the package (dist/ has no JSON of src/).
export const STEP_COUNTS_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'experiments',
  'step-counts.json',
);

/** A missing, old or malformed table: one line, exit 1, like the other checks before a sweep. */
export class StepCountsError extends PreflightError {}

const REMEASURE = 'rerun `npx tsx scripts/measure-step-counts.ts`';

/** Checks a parsed table; an old or malformed one is one line naming the file, the field and the fix. */
export function parseStepCounts(data: unknown, file: string): StepCountTable {
  if (typeof data === 'object' && data !== null && !('format' in data))
    throw new StepCountsError(
      `${file}: step counts of an older format (GDPO only, no "format"); ${REMEASURE}`,
    );
  const parsed = stepCountTable.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(top)';
    throw new StepCountsError(`${file}: malformed step counts at ${where}: ${issue?.message}; ${REMEASURE}`);
  }
  return parsed.data;
}

export function readStepCounts(file = STEP_COUNTS_FILE): StepCountTable {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new StepCountsError(`${file}: cannot read step counts (${(error as Error).message}); ${REMEASURE}`);
  }
  return parseStepCounts(data, file);
}
