/**
 * Plain-data records of a training run: one `StepRecord` per step (what was tried, what passed which
 * gate, calls and tokens per role, wall-clock) and the whole run's `TrainResult`.
 */
import type { SpentByRole } from '@llm-autodiff/llm';
import type { Evaluation } from './evaluate';
import type { UsageByRole } from './usage';

export interface GateCounts {
  /** Proposals generated. */
  tried: number;
  /** Proposals that changed no value (parse failure or identical answer): not evaluated. */
  unchanged: number;
  parseFailures: number;
  miniBatchPassed: number;
  miniBatchFailed: number;
  validationPassed: number;
  validationFailed: number;
}

export interface ProposalAttempt {
  /** Loss-metric score on the subset (absent when the gate is off or the proposal changed nothing). */
  miniBatchScore?: number;
  /** Eval-metric score on the validation set (partial mean when stopped early). */
  valScore?: number;
  valComplete?: boolean;
  valEvaluated?: number;
  accepted: boolean;
  /** The proposed values, by parameter name. */
  values: Record<string, string>;
}

/** An attempt's validation fields from its full-validation evaluation. */
export function attemptValidation(
  v: Pick<Evaluation, 'score' | 'complete' | 'evaluated'>,
): Pick<ProposalAttempt, 'valScore' | 'valComplete' | 'valEvaluated'> {
  return { valScore: v.score, valComplete: v.complete, valEvaluated: v.evaluated };
}

export interface StepRecord {
  /** 0 = initial evaluation; the last record of a finished run is the final test. */
  step: number;
  /** 'init' | 'final' for the trainer's evaluations; the method's phase otherwise ('text', 'demo', ...). */
  phase: string;
  /** The method that ran the step (absent for 'init' and 'final'). */
  method?: string;
  batch: string[];
  subset: string[];
  subsetScore?: number;
  backward?: { calls: number; skipped: number; copies: number };
  gates: GateCounts;
  attempts: ProposalAttempt[];
  accepted: boolean;
  /** Best validation score after the step. */
  valScore: number;
  testScore?: number;
  usage: UsageByRole;
  wallMs: number;
  details?: Record<string, unknown>;
}

/** The trainer's own settings (the method's are in its config). */
export interface TrainerSettings {
  /** Seeds the RNG, the batch order and the cache salt. */
  seed: number;
  /** Forward passes and evaluations in flight at once (model limits still apply inside llm). */
  concurrency: number;
  /** Stop issuing validation calls once the bar can no longer be beaten. */
  earlyStopValidation: boolean;
}

export interface TrainResult {
  /** The registry name of the method (e.g. 'gdpo'). */
  method: string;
  program: string;
  /** True when the run stopped before the end (budget reached, signal); the final test is then missing. */
  partial: boolean;
  stopReason?: string;
  /** Why a partial run stopped: a budget was reached, or a signal (Ctrl-C, SIGTERM) asked it to. */
  stopKind?: 'budget' | 'signal';
  /** Absent when the run stopped before its initial evaluation finished: no score is invented. */
  initial?: { val: number; test: number };
  /** `val` is absent with `initial`; `test` until the final test has run. */
  final: { val?: number; test?: number };
  /** Per-example test scores by sample id, at the start and with the final values (bootstrap CIs). */
  testScores: { initial: Record<string, number>; final?: Record<string, number> };
  values: Record<string, unknown>;
  steps: StepRecord[];
  gates: GateCounts;
  /**
   * Calls and tokens per role as an uninterrupted run would have them: the sum of the step records
   * (work redone after an interruption and calls after the last checkpoint are not in it).
   */
  usage: UsageByRole;
  /**
   * Everything billed per role across every process of the run, from the spend journal: redone work,
   * failed billed attempts and calls in flight at a kill included, cache hits apart. Absent in results
   * written before the journal.
   */
  spent?: SpentByRole;
  wallMs: number;
  /** The method's resolved config. */
  methodConfig: unknown;
  trainer: TrainerSettings;
}

export function emptyGates(): GateCounts {
  return {
    tried: 0,
    unchanged: 0,
    parseFailures: 0,
    miniBatchPassed: 0,
    miniBatchFailed: 0,
    validationPassed: 0,
    validationFailed: 0,
  };
}

export function addGates(a: GateCounts, b: GateCounts): GateCounts {
  const out = emptyGates();
  for (const k of Object.keys(out) as Array<keyof GateCounts>) out[k] = a[k] + b[k];
  return out;
}
