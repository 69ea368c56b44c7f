/**
 * The trainer's `Method` seam (../../../METHOD-SEAM.md), as the baselines use it. Until the trainer
 * package lands on this branch these are local copies of the documented types; afterwards this file
 * only re-exports them from `@llm-autodiff/trainer`.
 */
import type { BackwardOptions, BackwardReport, Parameter, ParamKind, Program } from '@llm-autodiff/core';
import type { ChatModel } from '@llm-autodiff/llm';

export interface Rng {
  next(): number;
  int(n: number): number;
  shuffle<T>(items: readonly T[]): T[];
  sample<T>(items: readonly T[], k: number): T[];
}

export interface Evaluation {
  score: number;
  complete: boolean;
  evaluated: number;
  total: number;
  perItem: Record<string, number>;
}

export interface GateCounts {
  tried: number;
  unchanged: number;
  parseFailures: number;
  miniBatchPassed: number;
  miniBatchFailed: number;
  validationPassed: number;
  validationFailed: number;
}

export interface ProposalAttempt {
  miniBatchScore?: number;
  valScore?: number;
  valComplete?: boolean;
  valEvaluated?: number;
  accepted: boolean;
  values: Record<string, string>;
}

export interface RunContext<E> {
  readonly program: Program<E>;
  readonly teacher?: Program<E>;
  readonly data: { train: readonly E[]; val: readonly E[]; test: readonly E[] };
  readonly models: { backward?: ChatModel; optimizer?: ChatModel };
  readonly rng: Rng;
  readonly step: number;
  readonly bestVal: number;
  readonly concurrency: number;
  readonly cacheSalt: string;
  readonly labels: { step: number };
  evaluate(
    examples: readonly E[],
    opts?: { mustBeat?: number; metric?: 'eval' | 'loss' },
  ): Promise<Evaluation>;
  validate(opts?: { mustBeat?: number }): Promise<Evaluation>;
  forwardLoss(examples: readonly E[]): Promise<Array<{ id: string; loss: Parameter<number>; score: number }>>;
  backward(losses: Parameter<number>[], opts?: Partial<BackwardOptions>): Promise<BackwardReport>;
  exampleById(id: string): E;
  log(line: string): void;
}

export interface StepOutcome {
  phase: string;
  batch: string[];
  subset?: string[];
  subsetScore?: number;
  backward?: { calls: number; skipped: number; copies: number };
  gates: GateCounts;
  attempts: ProposalAttempt[];
  accepted: boolean;
  bestVal: number;
  details?: Record<string, unknown>;
}

export interface Method<E = unknown, S = unknown> {
  readonly name: string;
  steps(): number;
  readonly batchSize: number;
  init?(run: RunContext<E>, initial: { val: Evaluation }): Promise<void> | void;
  step(run: RunContext<E>, batch: readonly E[]): Promise<StepOutcome>;
  state(): S;
  restore(state: S): void;
  abandon(): void;
}

export interface MethodSetup<C> {
  config: C;
  parameters: Parameter[];
  models: { backward?: ChatModel; optimizer?: ChatModel };
  hasTeacher: boolean;
}

export interface MethodFactory<C = unknown> {
  readonly name: string;
  readonly description: string;
  readonly tunes: readonly ParamKind[];
  resolveConfig(input: unknown): C;
  create(setup: MethodSetup<C>): Method | Method[];
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

/** Scores closer than this count as equal (the trainer's rule). */
export const SCORE_EPS = 1e-9;
export function beats(a: number, b: number): boolean {
  return a > b + SCORE_EPS;
}
