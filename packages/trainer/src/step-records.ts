/**
 * Plain-data records of a training run: one `StepRecord` per step (what was tried, what was kept, calls
 * and tokens per role, wall-clock, the method's own summary and details) and the whole run's `TrainResult`.
 * Every field is method-neutral; a method's own vocabulary (GDPO's gate counts) lives in its `details`.
 */
import type { SpentByRole } from '@llm-autodiff/llm';
import type { Evaluation } from './evaluate';
import type { UsageByRole } from './usage';

/**
 * Gate counts of a method whose proposals pass gates (GDPO's mini-batch and validation gates; GEPA's):
 * such a method puts them in its step details as `details.gates` (read back with `gatesOf`).
 */
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
  /** Proposals (candidates, trials) the step tried. */
  tried: number;
  attempts: ProposalAttempt[];
  accepted: boolean;
  /** Best validation score after the step. */
  valScore: number;
  testScore?: number;
  usage: UsageByRole;
  wallMs: number;
  /** The method's one-line summary of the step (log and progress lines), e.g. GDPO's gate results. */
  summary?: string;
  details?: Record<string, unknown>;
  /** Only in records written before gate counts moved to the method's details: every method's counts. */
  gates?: GateCounts;
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

/** A step's gate counts: its method's `details.gates`, or an older record's top-level `gates`; else none. */
export function gatesOf(record: Pick<StepRecord, 'details' | 'gates'>): GateCounts | undefined {
  const g = record.details?.gates;
  if (isGateCounts(g)) return g;
  return record.gates;
}

/**
 * A gated step's outcome fields: `tried` from its gate counts, the counts as `details.gates` (where
 * `gatesOf` reads them) and `gateSummary` as its one line. A method adds its own details beside them.
 */
export function gatedOutcome(gates: GateCounts): {
  tried: number;
  summary: string;
  details: { gates: GateCounts };
} {
  return { tried: gates.tried, summary: gateSummary(gates), details: { gates } };
}

/** The gate counts of a run's steps added up, or undefined when no step has any (a method without gates). */
export function gateTotals(steps: readonly Pick<StepRecord, 'details' | 'gates'>[]): GateCounts | undefined {
  let total: GateCounts | undefined;
  for (const r of steps) {
    const g = gatesOf(r);
    if (g) total = addGates(total ?? emptyGates(), g);
  }
  return total;
}

/**
 * A finished step in words every method shares: kept or not, proposals tried, then the method's own
 * summary (`accepted, tried 2; mini-batch 1/2, validation 1/1`). The trainer's log and the sweep's
 * progress lines print it, so no method's vocabulary is assumed of another.
 */
export function stepLine(record: Pick<StepRecord, 'accepted' | 'tried' | 'summary'>): string {
  const head = `${record.accepted ? 'accepted' : 'rejected'}, tried ${record.tried}`;
  return record.summary ? `${head}; ${record.summary}` : head;
}

/** GDPO's summary of a step's gates: `mini-batch 1/2, validation 0/1`. */
export function gateSummary(g: GateCounts): string {
  return `mini-batch ${g.miniBatchPassed}/${g.miniBatchPassed + g.miniBatchFailed}, validation ${g.validationPassed}/${g.validationPassed + g.validationFailed}`;
}

function isGateCounts(x: unknown): x is GateCounts {
  if (typeof x !== 'object' || x === null) return false;
  return Object.keys(emptyGates()).every((k) => typeof (x as Record<string, unknown>)[k] === 'number');
}
