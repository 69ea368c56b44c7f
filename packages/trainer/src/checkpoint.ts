/**
 * The run's checkpoint: written atomically (llm's `writeJsonAtomic`) after every step, so a killed run
 * loses at most the step in flight. It holds everything a resume needs to end exactly where an
 * uninterrupted run would: the values, the RNG state, the records and the method's own state.
 */
import { readFile } from 'node:fs/promises';
import { type Spend, writeJsonAtomic } from '@llm-autodiff/llm';
import { TrainerInputError } from './errors';
import type { RngState } from './rng';
import type { StepRecord, TrainerSettings } from './step-records';
import type { UsageByRole } from './usage';
import { addUsage } from './usage';

export const CHECKPOINT_FORMAT = 'llm-autodiff/checkpoint@2' as const;

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  program: string;
  /** Hash of the sample ids of train/val/test: a resume on other data is refused. */
  dataKey: string;
  trainer: TrainerSettings;
  /** The method by registry name, its resolved config, and the state of each of its phases in order. */
  method: { name: string; config: unknown; state: unknown[] };
  /** Last completed step (0 = initial evaluation done). */
  step: number;
  /** Values of every trainable parameter by name (prompts: strings; demos: lists). */
  values: Record<string, unknown>;
  initial: { val: number; test: number };
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
  /** Set when the run stopped early (budget, signal) — a resume continues from `step`. */
  stopped?: string;
  /** Set once the final test has run with the best values. */
  finalTest?: number;
  finalTestScores?: Record<string, number>;
}

const REQUIRED = [
  'program',
  'dataKey',
  'trainer',
  'method',
  'step',
  'values',
  'initial',
  'initialTestScores',
  'bestVal',
  'rng',
  'records',
] as const;

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
  const c = raw as Partial<Checkpoint> | null;
  if (!c || typeof c !== 'object' || c.format !== CHECKPOINT_FORMAT)
    throw new TrainerInputError(
      `${path}: not a trainer checkpoint (format field is not "${CHECKPOINT_FORMAT}")`,
    );
  for (const f of REQUIRED) {
    if (c[f] === undefined) throw new TrainerInputError(`${path}: checkpoint field "${f}" is missing`);
  }
  const m = c.method as Partial<Checkpoint['method']>;
  if (typeof m.name !== 'string' || !Array.isArray(m.state))
    throw new TrainerInputError(`${path}: checkpoint field "method" needs a name and a state list`);
  return c as Checkpoint;
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
