/** Plain-data records of a training run: per step, the whole result, and the checkpoint. */
import type { TrainerConfig } from './config';
import type { GdpoState } from './gdpo-optimizer';
import type { MovingItem } from './moving-batch';
import type { RngState } from './rng';
import type { UsageByRole } from './usage';

export interface GateCounts {
  /** Proposals generated (one optimizer call per trainable prompt each). */
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

export interface StepRecord {
  step: number;
  phase: 'init' | 'text' | 'demo' | 'final';
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
}

export interface DemoCandidate {
  score: number;
  input: string;
  output: string;
}

export interface DemoState {
  /** Per demos parameter name, per sample id: the teacher's call and its score. */
  teacher: Record<string, Record<string, DemoCandidate>>;
  /** Per demos parameter name, per sample id: the student's latest call and its score. */
  student: Record<string, Record<string, DemoCandidate>>;
}

export interface Checkpoint {
  format: 'llm-autodiff/gdpo-checkpoint@1';
  program: string;
  config: TrainerConfig;
  /** Hash of the sample ids of train/val/test: a resume on other data is refused. */
  dataKey: string;
  /** Last completed step (0 = initial evaluation done). */
  step: number;
  /** Values of every trainable parameter by name (prompts: strings; demos: lists). */
  values: Record<string, unknown>;
  optimizer?: GdpoState;
  initial: { val: number; test: number };
  bestVal: number;
  rng: RngState;
  moving: MovingItem[];
  demo: DemoState;
  records: StepRecord[];
  /** Set when the run stopped early (budget) — a resume continues from `step`. */
  stopped?: string;
  /** Set once the final test has run with the best values. */
  finalTest?: number;
}

export interface TrainResult {
  program: string;
  strategy: TrainerConfig['strategy'];
  /** True when the run stopped before the end (budget reached); the final test is then missing. */
  partial: boolean;
  stopReason?: string;
  initial: { val: number; test: number };
  final: { val: number; test?: number };
  values: Record<string, unknown>;
  steps: StepRecord[];
  gates: GateCounts;
  usage: UsageByRole;
  wallMs: number;
  config: TrainerConfig;
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
