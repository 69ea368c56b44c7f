/**
 * The run's checkpoint: written atomically and durably (llm's `writeJsonAtomic`) after every step, so a
 * killed run loses at most the step in flight. It holds everything a resume needs to end exactly where
 * an uninterrupted run would: the values, the RNG state, the records and the method's own state.
 * Reading it back validates every field's type and range with zod: a hand-edited or foreign file is one
 * `TrainerInputError` line naming the file and the field, never a silently skipped run or a TypeError.
 */
import { readFile } from 'node:fs/promises';
import { type Spend, writeJsonAtomic } from '@llm-autodiff/llm';
import { z } from 'zod';
import { TrainerInputError } from './errors';
import type { RngState } from './rng';
import { MAX_SEED } from './settings';
import type { StepRecord, TrainerSettings } from './step-records';
import type { UsageByRole } from './usage';
import { addUsage } from './usage';

export const CHECKPOINT_FORMAT = 'llm-autodiff/checkpoint@3' as const;

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  program: string;
  /** Hash of the sample ids of train/val/test: a resume on other data is refused. */
  dataKey: string;
  trainer: TrainerSettings;
  /** The method by registry name, its resolved config, and the state of each of its phases in order. */
  method: { name: string; config: unknown; state: unknown[] };
  /** Last completed step (0 = initial evaluation done; -1 = stopped before it finished). */
  step: number;
  /** Values of every trainable parameter by name (prompts: strings; demos: lists). */
  values: Record<string, unknown>;
  /** Absent until the initial evaluation (step 0) has finished. */
  initial?: { val: number; test: number };
  initialTestScores: Record<string, number>;
  bestVal: number;
  rng: RngState;
  records: StepRecord[];
  /**
   * What the run's model calls cost per role up to this checkpoint, as the run's budget counted them
   * (cache hits free, billed failed attempts included, across resumes). A resume credits it to the new
   * budget. Absent in checkpoints written before budgets were a `train()` option.
   */
  spent?: Record<string, Spend>;
  /** What the run was made with (models, sampling, data, salt, versions): a resume must match it. */
  manifest?: Record<string, unknown>;
  /** Set when the run stopped early (budget, signal) — a resume continues from `step`. */
  stopped?: string;
  /** Set once the final test has run with the best values. */
  finalTest?: number;
  finalTestScores?: Record<string, number>;
}

const count = z.number().int().nonnegative();
const score = z.number().finite().min(0).max(1);
const u32 = z.number().int().min(0).max(0xffffffff);
// Records written before usage carried totalTokens derive it from prompt + completion tokens.
const roleUsage = z
  .object({
    calls: count,
    cacheHits: count,
    promptTokens: count,
    completionTokens: count,
    cachedTokens: count,
    totalTokens: count.optional(),
    cacheHitTokens: count.optional(),
    latencyMs: z.number().finite().nonnegative(),
    localCalls: count.optional(),
  })
  .transform((u) => ({ ...u, totalTokens: u.totalTokens ?? u.promptTokens + u.completionTokens }));
/** One role's entry of a result's `spent` (llm's `RoleSpent`); the runner's run records reuse it. */
export const roleSpentSchema = z.object({
  calls: count,
  failedAttempts: count,
  interrupted: count,
  cacheHits: count,
  promptTokens: count,
  completionTokens: count,
  usd: z.number().finite().nonnegative(),
});
/** Gate counts of a step or a run; the runner's run records reuse it. */
export const gateCountsSchema = z.object({
  tried: count,
  unchanged: count,
  parseFailures: count,
  miniBatchPassed: count,
  miniBatchFailed: count,
  validationPassed: count,
  validationFailed: count,
});
const trainerSettings = z.object({
  seed: z.number().int().min(0).max(MAX_SEED),
  concurrency: z.number().int().min(1),
  earlyStopValidation: z.boolean(),
});
export const stepRecordSchema = z
  .object({
    step: count,
    phase: z.string(),
    method: z.string().optional(),
    batch: z.array(z.string()),
    subset: z.array(z.string()),
    subsetScore: z.number().finite().optional(),
    tried: count.optional(),
    summary: z.string().optional(),
    /** Records written before gate counts moved to the method's details carry them here. */
    gates: gateCountsSchema.optional(),
    attempts: z.array(z.object({ accepted: z.boolean(), values: z.record(z.string()) }).passthrough()),
    accepted: z.boolean(),
    valScore: score,
    testScore: score.optional(),
    usage: z.record(roleUsage),
    wallMs: z.number().finite().nonnegative(),
  })
  .passthrough()
  // An older record has no `tried`: its gate counts say how many proposals the step tried.
  .transform((r) => ({ ...r, tried: r.tried ?? r.gates?.tried ?? 0 }));

/** A `TrainResult`'s schema: what a results file may hold (no score outside [0, 1], no NaN). */
export const trainResultSchema = z
  .object({
    method: z.string().min(1),
    program: z.string().min(1),
    partial: z.boolean(),
    stopReason: z.string().optional(),
    stopKind: z.enum(['budget', 'signal']).optional(),
    initial: z.object({ val: score, test: score }).optional(),
    final: z.object({ val: score.optional(), test: score.optional() }),
    testScores: z.object({ initial: z.record(score), final: z.record(score).optional() }),
    values: z.record(z.unknown()),
    steps: z.array(stepRecordSchema),
    /** Results files written before gate counts moved to the methods' details. */
    gates: gateCountsSchema.optional(),
    usage: z.record(roleUsage),
    spent: z.record(roleSpentSchema).optional(),
    wallMs: z.number().finite().nonnegative(),
    methodConfig: z.unknown(),
    trainer: trainerSettings,
  })
  .refine((r) => r.partial || (r.initial !== undefined && r.final.test !== undefined), {
    message: 'a finished run has initial scores and a final test score',
  })
  .refine((r) => r.initial !== undefined || r.final.val === undefined, {
    message: 'a final validation score needs the initial evaluation',
    path: ['final', 'val'],
  });

/** The checkpoint's schema: types and ranges of every field the trainer reads back. */
export const checkpointSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  program: z.string().min(1),
  dataKey: z.string().min(1),
  trainer: trainerSettings,
  method: z.object({ name: z.string().min(1), config: z.unknown(), state: z.array(z.unknown()) }),
  step: z.number().int().min(-1),
  values: z.record(z.unknown()),
  initial: z.object({ val: score, test: score }).optional(),
  initialTestScores: z.record(score),
  bestVal: score,
  rng: z.tuple([u32, u32, u32, u32]),
  records: z.array(stepRecordSchema),
  manifest: z.record(z.unknown()).optional(),
  spent: z
    .record(z.object({ calls: count, tokens: count, usd: z.number().finite().nonnegative() }))
    .optional(),
  stopped: z.string().optional(),
  finalTest: score.optional(),
  finalTestScores: z.record(score).optional(),
});

/** `field.sub[2]: message` of the first schema issue (zod lists them all; one line is enough to fix it). */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.reduce<string>(
    (p, k) => (typeof k === 'number' ? `${p}[${k}]` : p ? `${p}.${k}` : String(k)),
    '',
  );
  return `${path ? `field "${path}"` : 'the file'}: ${issue.message}`;
}

/** Reads and checks a checkpoint; a missing, unreadable or foreign file is a `TrainerInputError`. */
export async function readCheckpoint(path: string): Promise<Checkpoint> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TrainerInputError(`cannot read checkpoint ${path}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new TrainerInputError(`checkpoint ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseCheckpoint(raw, path);
}

export function parseCheckpoint(raw: unknown, path: string): Checkpoint {
  const format = (raw as { format?: unknown } | null)?.format;
  if (!raw || typeof raw !== 'object' || format !== CHECKPOINT_FORMAT)
    throw new TrainerInputError(
      `${path}: not a trainer checkpoint of this version (format is ${JSON.stringify(format)}, expected "${CHECKPOINT_FORMAT}")`,
    );
  const parsed = checkpointSchema.safeParse(raw);
  if (!parsed.success) throw new TrainerInputError(`checkpoint ${path}: ${firstIssue(parsed.error)}`);
  const c = parsed.data as Checkpoint;
  checkRecordSteps(c, path);
  return c;
}

/**
 * The records' step numbers against `step`: strictly increasing, none past `step` but the final test's
 * record (`step + 1`, with `finalTest`). Fewer records than steps is fine: a method whose `done()` ends
 * its phase early leaves the phase's remaining step numbers unused.
 */
function checkRecordSteps(c: Checkpoint, path: string): void {
  let previous = -1;
  c.records.forEach((r, i) => {
    const isFinal = r.phase === 'final' && c.finalTest !== undefined && i === c.records.length - 1;
    const limit = isFinal ? c.step + 1 : c.step;
    if (r.step <= previous || r.step > limit)
      throw new TrainerInputError(
        `checkpoint ${path}: field "records[${i}].step" is ${r.step}, after step ${previous} and with field "step" ${c.step}; the records do not fit the run's progress`,
      );
    previous = r.step;
  });
}

export async function writeCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  await writeJsonAtomic(path, checkpoint);
}

/** Calls and tokens per role of the steps a checkpoint has finished, from its step records. */
export function checkpointUsage(checkpoint: Pick<Checkpoint, 'records'>): UsageByRole {
  return checkpoint.records.reduce((u, r) => addUsage(u, r.usage), {} as UsageByRole);
}

/**
 * What a resumed run's budget is credited with: the checkpoint's `spent`, or for an older checkpoint the
 * calls and tokens of its step records. Calls of an interrupted step are in neither; a resume replays
 * them from the response cache, where they are free.
 */
export function checkpointSpend(
  checkpoint: Pick<Checkpoint, 'records' | 'spent'>,
): Record<string, Partial<Spend>> {
  if (checkpoint.spent) return checkpoint.spent;
  return Object.fromEntries(
    Object.entries(checkpointUsage(checkpoint)).map(([role, u]) => [
      role,
      { calls: u.calls, tokens: u.promptTokens + u.completionTokens },
    ]),
  );
}
