/**
 * GDPO's configuration: the paper's defaults and every ablation switch of the design (section 2).
 * Invalid values are rejected with the field name, never silently replaced. The run's seed, concurrency
 * and early stopping are the trainer's settings (`@llm-autodiff/trainer`), not GDPO's.
 */
import type { BackwardAccounting } from '@llm-autodiff/core';
import { TrainerInputError } from '@llm-autodiff/trainer';
import type { FailedProposalRendering, ParseFailureBehaviour } from './gdpo-optimizer';

export interface Ablations {
  /** Compute a gradient for every sample, ignoring the skip threshold (TextGrad-like). */
  noSelectiveGradients: boolean;
  /** Send every proposal straight to full validation. */
  noMiniBatchGate: boolean;
  /** The optimizer sees no past values. */
  noHistory: boolean;
  /** The optimizer does not see the other slots of the same component. */
  noPeers: boolean;
  /** "OPRO with data": the optimizer sees inputs, outputs and scores, no textual feedback. */
  noFeedbackText: boolean;
  /** No backward pass at all: the optimizer sees history (and failed proposals) only. */
  noBackward: boolean;
  /** The optimizer's instructions lose the prompting-techniques section (paper Table 3). */
  noPromptTechniques: boolean;
}

/**
 * The demo phase draws as AdalFlow's BootstrapFewShot: every teacher trace is a candidate, weighted (when
 * `weighted`) by max(0, teacher − student) + 1e-5; raw shots are gold training examples (the program's
 * `goldDemo`), weighted by 1 − student score (0 when unseen) + 1e-5. (The first port's draws — teacher-correct
 * traces only, raw shots from the student's correct calls — measured worse on the simulated world and were
 * removed; see the root README.)
 */
export interface DemoSettings {
  /** Teacher demonstrations per proposal (samples the teacher solves, the student preferably fails). */
  bootstrapShots: number;
  /** Raw training examples (input and gold answer) per proposal. */
  rawShots: number;
  /** Steps of the demo phase, run after the text phase (step numbers continue). */
  steps: number;
  /** Weighted draws (see `DemoSettings`); false = uniform (the reference scripts' `weighted_sampling`). */
  weighted: boolean;
  /** Teacher demos keep their inputs (false = only the teacher's output, as the reference's HotPotQA scripts). */
  teacherInputs: boolean;
}

export interface GdpoConfig {
  strategy: 'constrained' | 'random';
  batchSize: number;
  steps: number;
  proposalsPerStep: number;
  historySize: number;
  failedMemory: number;
  /** Selective gradients: a generator whose downstream score is above this gets no backward call. */
  skipThreshold: number;
  /** A sample with a score above this counts as correct when choosing the backward subset. */
  correctThreshold: number;
  maxErrorSamples: number;
  maxCorrectSamples: number;
  movingBatchCap: number;
  movingBatchMinErrors: number;
  /**
   * A perfect subset (score 1) cannot be strictly beaten: when true (the reference's behaviour), a
   * proposal that keeps it perfect passes the mini-batch gate on equality; the full-validation gate still
   * has to be passed strictly. False = strict everywhere (such steps then never reach validation).
   */
  perfectSubsetPassesOnEqual: boolean;
  constraints: string[];
  /** How rejected proposals are shown to the optimizer (see `FailedProposalRendering`). */
  failedRendering: FailedProposalRendering;
  /** What an unparseable optimizer answer becomes (see `ParseFailureBehaviour`). */
  onParseFailure: ParseFailureBehaviour;
  /** Which nodes get backward-engine calls (core's `BackwardAccounting`). */
  backwardAccounting: BackwardAccounting;
  ablations: Ablations;
  demos: DemoSettings;
}

export const DEFAULT_ABLATIONS: Ablations = {
  noSelectiveGradients: false,
  noMiniBatchGate: false,
  noHistory: false,
  noPeers: false,
  noFeedbackText: false,
  noBackward: false,
  noPromptTechniques: false,
};

export const DEFAULT_GDPO_CONFIG: GdpoConfig = {
  strategy: 'constrained',
  batchSize: 4,
  steps: 12,
  proposalsPerStep: 5,
  historySize: 3,
  failedMemory: 5,
  skipThreshold: 0.9,
  correctThreshold: 0.5,
  maxErrorSamples: 2,
  maxCorrectSamples: 2,
  movingBatchCap: 20,
  movingBatchMinErrors: 4,
  perfectSubsetPassesOnEqual: true,
  constraints: [],
  failedRendering: 'full',
  onParseFailure: 'keep',
  backwardAccounting: 'paper',
  ablations: DEFAULT_ABLATIONS,
  demos: { bootstrapShots: 4, rawShots: 2, steps: 0, weighted: true, teacherInputs: true },
};

export type GdpoConfigInput = Partial<Omit<GdpoConfig, 'ablations' | 'demos'>> & {
  ablations?: Partial<Ablations>;
  demos?: Partial<DemoSettings>;
};

function intField(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min)
    throw new TrainerInputError(`gdpo config: ${name} must be an integer >= ${min}, got ${v}`);
}

function unitField(name: string, v: number): void {
  if (!(typeof v === 'number' && v >= 0 && v <= 1))
    throw new TrainerInputError(`gdpo config: ${name} must be a number in [0, 1], got ${v}`);
}

function oneOf(name: string, v: unknown, allowed: readonly string[]): void {
  if (!allowed.includes(v as string))
    throw new TrainerInputError(
      `gdpo config: ${name} must be ${allowed.map((a) => `"${a}"`).join(' or ')}, got ${JSON.stringify(v)}`,
    );
}

export function resolveGdpoConfig(input: GdpoConfigInput = {}): GdpoConfig {
  const known = new Set([...Object.keys(DEFAULT_GDPO_CONFIG)]);
  for (const key of Object.keys(input)) {
    if (!known.has(key)) throw new TrainerInputError(`gdpo config: unknown field "${key}"`);
  }
  for (const key of Object.keys(input.ablations ?? {})) {
    if (!(key in DEFAULT_ABLATIONS)) throw new TrainerInputError(`gdpo config: unknown ablation "${key}"`);
  }
  for (const key of Object.keys(input.demos ?? {})) {
    if (!(key in DEFAULT_GDPO_CONFIG.demos))
      throw new TrainerInputError(`gdpo config: unknown demos field "${key}"`);
  }
  const c: GdpoConfig = {
    ...DEFAULT_GDPO_CONFIG,
    ...input,
    ablations: { ...DEFAULT_ABLATIONS, ...input.ablations },
    demos: { ...DEFAULT_GDPO_CONFIG.demos, ...input.demos },
  } as GdpoConfig;
  if (c.strategy !== 'constrained' && c.strategy !== 'random') {
    throw new TrainerInputError(
      `gdpo config: strategy must be "constrained" or "random", got "${String(c.strategy)}"`,
    );
  }
  intField('batchSize', c.batchSize, 1);
  intField('steps', c.steps, 0);
  intField('proposalsPerStep', c.proposalsPerStep, 1);
  intField('historySize', c.historySize, 0);
  intField('failedMemory', c.failedMemory, 0);
  intField('maxErrorSamples', c.maxErrorSamples, 0);
  intField('maxCorrectSamples', c.maxCorrectSamples, 0);
  intField('movingBatchCap', c.movingBatchCap, 1);
  intField('movingBatchMinErrors', c.movingBatchMinErrors, 0);
  intField('demos.bootstrapShots', c.demos.bootstrapShots, 0);
  intField('demos.rawShots', c.demos.rawShots, 0);
  intField('demos.steps', c.demos.steps, 0);
  unitField('skipThreshold', c.skipThreshold);
  unitField('correctThreshold', c.correctThreshold);
  oneOf('failedRendering', c.failedRendering, ['reference', 'full']);
  oneOf('onParseFailure', c.onParseFailure, ['keep', 'raw']);
  oneOf('backwardAccounting', c.backwardAccounting, ['paper', 'reference']);
  for (const [name, v] of [
    ['perfectSubsetPassesOnEqual', c.perfectSubsetPassesOnEqual],
    ['demos.weighted', c.demos.weighted],
    ['demos.teacherInputs', c.demos.teacherInputs],
    ...Object.entries(c.ablations).map(([k, x]) => [`ablations.${k}`, x]),
  ] as const) {
    if (typeof v !== 'boolean')
      throw new TrainerInputError(`gdpo config: ${name} must be true or false, got ${String(v)}`);
  }
  if (c.maxErrorSamples + c.maxCorrectSamples === 0)
    throw new TrainerInputError('gdpo config: maxErrorSamples + maxCorrectSamples must be > 0');
  if (!Array.isArray(c.constraints) || c.constraints.some((x) => typeof x !== 'string')) {
    throw new TrainerInputError('gdpo config: constraints must be an array of strings');
  }
  return c;
}
