/**
 * The results file of `autodiff train`, validated by a zod schema both ways: before it is written (a
 * result with a score outside [0, 1], a NaN or a missing field is a bug of ours and is never written) and
 * when it is read back (a hand-edited or foreign file is one line naming the file and the field).
 */
import { readFile } from 'node:fs/promises';
import { writeJsonAtomic } from '@llm-autodiff/llm';
import { firstIssue, TrainerInputError, trainResultSchema } from '@llm-autodiff/trainer';
import { z } from 'zod';
import { settingsSchema } from '../presets/settings';

const count = z.number().int().nonnegative();

export const trainResultsFileSchema = z
  .object({
    model: z.string().min(1),
    task: z.string().min(1),
    pipeline: z.string().min(1),
    method: z.string().min(1),
    /** The preset the run started from and every resolved value (absent in files from before presets). */
    preset: z
      .object({
        name: z.string().min(1),
        source: z.string().min(1),
        overridden: z.array(z.string()),
        settings: settingsSchema,
      })
      .optional(),
    models: z.record(z.string(), z.string().min(1)),
    simSeed: z.number().int().nonnegative().optional(),
    manifest: z.record(z.string(), z.unknown()),
    modelControls: z.array(
      z.object({
        id: z.string(),
        specs: z.array(z.string()),
        roles: z.array(z.string()),
        controls: z.object({ timeoutMs: count, maxRetries: count, maxConcurrency: count }),
      }),
    ),
    replay: z.boolean(),
    data: z.object({ source: z.string(), train: count, val: count, test: count }),
    checkpoint: z.string().min(1),
    /** The run's spend journal (every billed attempt of every process; `result.spent` sums it). */
    spendJournal: z.string().min(1).optional(),
    /** This process's calls per role (its ledger); `result.spent` is every process's, `result.usage` the steps'. */
    usageByRole: z.record(
      z.string(),
      z
        .object({
          calls: count,
          cacheHits: count,
          promptTokens: count,
          completionTokens: count,
          retries: count,
          failedAttempts: count,
          billedFailedAttempts: count,
          latencyMs: z.number().finite().nonnegative(),
          queueMs: z.number().finite().nonnegative(),
        })
        .passthrough(),
    ),
    result: trainResultSchema,
    /** The trainable values the run started from (absent in files from before they were recorded). */
    initialValues: z.record(z.string(), z.unknown()).optional(),
    /** When this process started training (ISO 8601). */
    startedAt: z.string().optional(),
    /** The git commit the code ran from (versions.ts `sourceCommit`). */
    commit: z.string().optional(),
    /** The `--graph DIR` the backward graphs were written to (absolute); `autodiff report` draws them. */
    graphDir: z.string().optional(),
  })
  .passthrough();

export type TrainResultsFile = z.infer<typeof trainResultsFileSchema>;

/** Validates, then writes atomically; a result that does not fit the schema throws (a bug, never written). */
export async function writeTrainResults(path: string, file: Record<string, unknown>): Promise<void> {
  const parsed = trainResultsFileSchema.safeParse(file);
  if (!parsed.success) throw new Error(`results ${path} not written: ${firstIssue(parsed.error)}`);
  await writeJsonAtomic(path, file);
}

/** Reads a results file back; a malformed one is a `TrainerInputError` naming the file and the field. */
export async function readTrainResults(path: string): Promise<TrainResultsFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new TrainerInputError(`cannot read results ${path}: ${(error as Error).message}`);
  }
  const parsed = trainResultsFileSchema.safeParse(raw);
  if (!parsed.success) throw new TrainerInputError(`results ${path}: ${firstIssue(parsed.error)}`);
  return parsed.data;
}
