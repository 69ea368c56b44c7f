/**
 * The seam between the trainer and every optimizer method (GDPO's phases, TextGrad, DSPy-style, GEPA-style).
 * A method decides what to try in a step and what to keep; the trainer owns everything around it: the
 * initial and final evaluation, batches, the seeded RNG, budgets and signals, step records with per-role
 * usage, atomic checkpoints and resume. The contract is documented in packages/trainer/README.md ("A method").
 */
import type { BackwardOptions, BackwardReport, Parameter, ParamKind, Program } from '@llm-autodiff/core';
import type { ChatModel } from '@llm-autodiff/llm';
import type { z } from 'zod';
import type { CostModel } from './cost-model';
import type { Evaluation } from './evaluate';
import type { GeneralFlags } from './general-flags';
import { parseMethodConfig } from './method-config';
import type { Rng } from './rng';
import type { GateCounts, ProposalAttempt } from './step-records';

/** Which metric an evaluation uses: the program's eval metric (predict), or its loss metric (forwardLoss). */
export type Metric = 'eval' | 'loss';

/** The role-bound models a method may call besides the program's own task model. */
export interface MethodModels {
  /** The backward model (role 'backward'): writes the textual gradients. */
  backward?: ChatModel;
  /** The optimizer model (role 'optimizer'): proposes new values. */
  optimizer?: ChatModel;
}

/** How a method asks for a backward pass; the run supplies the model, concurrency and step labels. */
export interface BackwardRequest
  extends Pick<BackwardOptions, 'feedbackText' | 'skipAboveScore' | 'computeForAll' | 'accounting'> {
  /** Another backward model than the run's (rare: e.g. a method that critiques with the optimizer model). */
  model?: ChatModel;
}

/** A train-mode forward of one example: its loss node (for backward) and its loss-metric score. */
export interface ScoredLoss {
  id: string;
  loss: Parameter<number>;
  score: number;
}

/** What a method may use during a step. Everything else (budgets, checkpoints, signals, records) is the trainer's. */
export interface RunContext<E> {
  /** The student pipeline (task model). */
  readonly program: Program<E>;
  /** The same pipeline on the teacher model (calls with role 'teacher'), when configured. */
  readonly teacher?: Program<E>;
  readonly data: { readonly train: readonly E[]; readonly val: readonly E[]; readonly test: readonly E[] };
  readonly models: MethodModels;
  /** Seeded; its state is checkpointed by the trainer after every step, so a resume replays its draws. */
  readonly rng: Rng;
  /** 1-based step number across the whole run (phases continue the numbering). */
  readonly step: number;
  /** Best complete full-validation score so far (eval metric). */
  readonly bestVal: number;
  /** Forward passes and evaluations in flight at once. */
  readonly concurrency: number;
  /** The run's cache salt (from the seed); a method appends e.g. `:step:${step}:p${k}` for fresh samples. */
  readonly cacheSalt: string;
  /** Ledger labels for this step's model calls. */
  readonly labels: { step: number };
  /**
   * Concurrent evaluation (mean score, input-order sum). With `mustBeat`, stops issuing calls once the
   * mean cannot strictly beat it (when the run allows early stopping). Default metric: 'eval'.
   */
  evaluate(examples: readonly E[], opts?: { mustBeat?: number; metric?: Metric }): Promise<Evaluation>;
  /** Full validation against the bar `mustBeat` (default: bestVal), early-stopped when it cannot win. */
  validate(opts?: { mustBeat?: number }): Promise<Evaluation>;
  /** Train-mode forward of examples (concurrently, results in input order): loss nodes and scores. */
  forwardLoss(examples: readonly E[]): Promise<ScoredLoss[]>;
  /**
   * Backward over the sum of `losses` with the run's backward model, concurrency and step labels; then
   * the run's onBackward hook (graph export) sees the root. `feedbackText: false` asks no model.
   */
  backward(losses: Parameter<number>[], opts?: BackwardRequest): Promise<BackwardReport>;
  /**
   * For a method with a backward pass of its own (e.g. TextGrad's rules instead of core's `backward`):
   * hands the root it went back from to the run's onBackward hook (graph export), as `backward` does.
   */
  backwardDone(root: Parameter): Promise<void>;
  /** A train example by its sample id (throws when the id is not in the training set). */
  exampleById(id: string): E;
  log(line: string): void;
}

/** What one step tried and what it kept. The trainer adds step, usage, wallMs and writes the record. */
export interface StepOutcome {
  /** e.g. 'text', 'demo', 'bootstrap', 'search', 'reflect'. */
  phase: string;
  /** Sample ids the step looked at. */
  batch: string[];
  /** Sample ids the step computed feedback on (default: none). */
  subset?: string[];
  subsetScore?: number;
  backward?: { calls: number; skipped: number; copies: number };
  /** tried / unchanged / parseFailures / miniBatch* / validation*. */
  gates: GateCounts;
  attempts: ProposalAttempt[];
  accepted: boolean;
  /** Best complete validation score after the step. The method leaves the best values ON the program. */
  bestVal: number;
  /** Method-specific extras for reports (JSON). */
  details?: Record<string, unknown>;
}

export interface Method<E = unknown, S = unknown> {
  /** The phase's name, e.g. 'gdpo-text', 'gdpo-demo', 'textgrad', 'gepa'. */
  readonly name: string;
  /** Number of steps this method runs (the trainer calls `step` for 1..steps()). */
  steps(): number;
  /** Examples per step the trainer draws (a seeded per-epoch shuffle, sliced by step); 0 = none. */
  readonly batchSize: number;
  /** Optional: called once after the initial evaluation, before step 1 (e.g. seed a candidate pool). */
  init?(run: RunContext<E>, initial: { val: Evaluation }): Promise<void> | void;
  step(run: RunContext<E>, batch: readonly E[]): Promise<StepOutcome>;
  /**
   * Optional: true once the method has nothing left to do (e.g. GEPA's metric-call budget is spent); the
   * trainer then skips the phase's remaining steps. `steps()` is read after `init`/`restore`, so it may
   * depend on the data (an upper bound is fine when `done` ends the phase).
   */
  done?(): boolean;
  /**
   * JSON-serialisable state, restored before the next step on resume. Must capture everything that
   * influences later steps (history, pools, failed proposals...) so a resumed run ends identical.
   */
  state(): S;
  restore(state: S): void;
  /** A step was interrupted (budget, signal): drop pending proposals, restore the last committed values. */
  abandon(): void;
}

/** What a factory gets to build its method(s). */
export interface MethodSetup<C, E> {
  config: C;
  /** The student pipeline; its parameters are every parameter (the method filters the trainable ones). */
  program: Program<E>;
  /** The pipeline on the teacher model, when configured. */
  teacher?: Program<E>;
  models: MethodModels;
  /** The run's cache salt (the same as `RunContext.cacheSalt`), for models called outside a step's context. */
  cacheSalt: string;
}

/**
 * Registry entry: a method describes itself completely. Its config schema is the one source of its field
 * names, ranges, defaults and help; its cost model drives estimates; `flags` says what the general options
 * (`--steps`, `--batch`) mean for it. Build one with `defineMethod` (which derives `resolveConfig`).
 */
export interface MethodFactory<C = unknown> {
  /** 'gdpo' | 'textgrad' | 'bootstrap' | 'bfsrs' | 'mipro' | 'gepa' | 'start' | ... */
  readonly name: string;
  /** One line for `--help` and error messages. */
  readonly description: string;
  /**
   * Parameter kinds it can tune; the trainer refuses (one clear line) a pipeline with none of them.
   * Empty: the method tunes nothing (evaluation only) and runs on any pipeline.
   */
  readonly tunes: readonly ParamKind[];
  /** What a resolved config tunes, when narrower than `tunes` (GDPO tunes demos only with demo steps). */
  tunesWith?(config: C): readonly ParamKind[];
  /** The config's zod schema (strict, with defaults and `.describe()` docs). */
  readonly configSchema: z.ZodType<C, z.ZodTypeDef, unknown>;
  /** What `--steps N` and `--batch N` set in the config, or why they are refused. */
  readonly flags: GeneralFlags;
  /** How its calls scale, for estimates (the measured counts are the estimator's data). */
  readonly costModel: CostModel<C>;
  /** Validate and resolve the method's own config, with defaults. Errors name the field (MethodConfigError). */
  resolveConfig(input: unknown): C;
  /** One method, or several run one after the other (GDPO: text phase then demo phase). */
  create<E>(setup: MethodSetup<C, E>): Method<E> | Method<E>[];
}

/** A method's description; `defineMethod` derives `resolveConfig` from its schema. */
export type MethodDefinition<C> = Omit<MethodFactory<C>, 'resolveConfig'>;

/** The factory of a method: its config is resolved by its schema alone. */
export function defineMethod<C>(definition: MethodDefinition<C>): MethodFactory<C> {
  return {
    ...definition,
    resolveConfig: (input) => parseMethodConfig(definition.name, definition.configSchema, input),
  };
}

/** The kinds of parameter a run of `factory` with this (resolved) config tunes. */
export function tunedKinds<C>(factory: MethodFactory<C>, config: C): readonly ParamKind[] {
  return factory.tunesWith ? factory.tunesWith(config) : factory.tunes;
}
