/**
 * What each method's calls scale with. For every method, its training steps fall into phases (GDPO's text
 * and demo phases, MIPRO's proposal step and trials, one phase for the others); per phase and role a
 * "driver" is the quantity that role's calls grow with, computed from the method's resolved config and
 * the run's sizes. The measurement (scripts/measure-step-counts.ts) stores the calls it saw next to the
 * driver at its own settings; the estimate multiplies calls-per-driver by the driver of the planned run.
 * Both sides use these functions, so the scaling is defined once.
 *
 * The drivers are upper-bound shapes (e.g. every proposal reaching full validation); the measured ratio
 * absorbs what the method really does at the reference settings (early-stopped validation, an accepted
 * proposal ending a step, GEPA's skipped minibatches). That ratio is assumed to hold at other sizes:
 * the approximation the README names.
 */
import {
  autoBudget,
  type BfsrsConfig,
  type BootstrapConfig,
  type GepaConfig,
  MAX_OBSERVATION_CALLS,
  type MiproConfig,
  miproTrials,
  type TextGradConfig,
} from '@llm-autodiff/baselines';
import type { GdpoConfig } from '@llm-autodiff/gdpo';
import type { MethodBase } from '../experiment/methods';

export type Role = 'task' | 'teacher' | 'backward' | 'optimizer';

/** The sizes a run sees and what its pipeline has to tune. */
export interface RunShape {
  train: number;
  val: number;
  test: number;
  /** Trainable prompts of the pipeline. */
  prompts: number;
  /** Trainable few-shot slots (0 unless the method gets one and the pipeline has it). */
  demoSlots: number;
}

export type Drivers = Partial<Record<Role, number>>;

/**
 * A method bootstrapping from the student makes its teacher runs as task calls: its teacher driver counts
 * as task. The measurement and the estimate both apply it, so the task calls per driver stay comparable.
 */
export function studentTeaches(drivers: Drivers, student: boolean): Drivers {
  if (!student || !drivers.teacher) return { ...drivers };
  const { teacher, ...rest } = drivers;
  return { ...rest, task: (rest.task ?? 0) + teacher };
}

export interface CostModel {
  /** The phase a training step record belongs to (by the record's `phase`). */
  phaseOf(recordPhase: string): string;
  /** Per phase, per role: the quantity the phase's calls scale with (0 or absent: no calls expected). */
  drivers(config: unknown, shape: RunShape): Record<string, Drivers>;
  /**
   * Methods that fill few-shot slots: how many demos a task prompt carries (at most), which the task
   * calls' prompt tokens grow with beyond the starting prompt's.
   */
  demosShown?(config: unknown): number;
}

export type TrainingMethod = Exclude<MethodBase, 'start'>;

const onePhase = (): string => 'steps';

/** DSPy-style demo sets: bootstrapped demos, filled up with labeled ones. */
const labeledOrBootstrapped = (config: unknown): number => {
  const c = config as BootstrapConfig;
  return Math.max(c.maxLabeledDemos, c.maxBootstrappedDemos);
};

const gdpo: CostModel = {
  phaseOf: (p) => (p === 'demo' ? 'demo' : 'text'),
  demosShown: (config) => (config as GdpoConfig).demos.bootstrapShots + (config as GdpoConfig).demos.rawShots,
  drivers(config, s) {
    const c = config as GdpoConfig;
    const a = c.ablations;
    const text = s.prompts > 0 ? c.steps : 0;
    // The backward subset and the mini-batch gate see at most this many samples (moving batch).
    const subset = c.maxErrorSamples + c.maxCorrectSamples;
    const demoSteps = s.demoSlots > 0 ? c.demos.steps : 0;
    return {
      text: {
        // Forward the batch, then per proposal the mini-batch gate and (early-stopped) validation.
        task: text * (c.batchSize + c.proposalsPerStep * ((a.noMiniBatchGate ? 0 : subset) + s.val)),
        backward: a.noBackward || a.noFeedbackText ? 0 : text * subset,
        optimizer: text * c.proposalsPerStep,
      },
      demo: {
        task: demoSteps * (c.batchSize + s.val),
        teacher: demoSteps * c.batchSize,
      },
    };
  },
};

const textgrad: CostModel = {
  phaseOf: onePhase,
  drivers(config, s) {
    const c = config as TextGradConfig;
    const steps = c.epochs * c.stepsPerEpoch;
    const batch = Math.min(c.batchSize, s.train);
    return {
      steps: {
        task: steps * (batch + s.val),
        backward: steps * batch,
        optimizer: steps * s.prompts,
      },
    };
  },
};

const bootstrap: CostModel = {
  phaseOf: onePhase,
  demosShown: labeledOrBootstrapped,
  drivers(config, s) {
    const c = config as BootstrapConfig;
    return {
      steps: {
        // One validation, plus the student rendering labeled demos.
        task: s.val + Math.min(c.maxLabeledDemos, s.train),
        // The teacher walks the training set until enough successes.
        teacher: Math.min(s.train, c.maxBootstrappedDemos),
      },
    };
  },
};

const bfsrs: CostModel = {
  phaseOf: onePhase,
  demosShown: labeledOrBootstrapped,
  drivers(config, s) {
    const c = config as BfsrsConfig;
    const candidates = c.numCandidatePrograms + 3;
    return {
      steps: {
        // Every candidate on the whole validation set (no early stop).
        task: candidates * s.val + Math.min(c.maxLabeledDemos, s.train),
        // Each training example is traced at most once per run.
        teacher: Math.min(s.train, (c.numCandidatePrograms + 1) * c.maxBootstrappedDemos),
      },
    };
  },
};

const mipro: CostModel = {
  phaseOf: (p) => (p === 'propose' ? 'propose' : 'trials'),
  demosShown: labeledOrBootstrapped,
  drivers(config, s) {
    const c = config as MiproConfig;
    const n = Math.max(1, c.numCandidates);
    const demos = s.demoSlots > 0 && c.maxBootstrappedDemos + c.maxLabeledDemos > 0;
    const perPrompt = demos ? Math.max(1, Math.floor(n / 2)) : n;
    const viewed = Math.min(c.dataSummaryExamples, s.train);
    const trials = miproTrials(c, s.prompts, s.demoSlots);
    const perTrial =
      s.val <= c.minibatchAboveVal
        ? trials * s.val
        : trials * Math.min(c.minibatchSize, s.val) +
          (Math.floor(trials / c.minibatchFullEvalSteps) + 1) * s.val;
    return {
      propose: {
        // The demo-set candidates are bootstrapped (teacher runs, labeled renders) even without a demos
        // slot; the measured ratio says how much of that really happens.
        task: viewed + Math.min(c.maxLabeledDemos, s.train),
        teacher: Math.min(s.train, Math.max(1, n - 2) * c.maxBootstrappedDemos),
        // Observations over batches of the data view (at most 10), a summary, then per prompt and
        // proposal a program description, a module description and the proposal (the reference's 3 calls).
        optimizer:
          s.prompts > 0
            ? Math.min(MAX_OBSERVATION_CALLS, Math.ceil(viewed / c.viewDataBatchSize)) +
              1 +
              3 * s.prompts * perPrompt
            : 0,
      },
      trials: { task: perTrial },
    };
  },
};

const AUTO_CANDIDATES = { light: 6, medium: 12, heavy: 18 } as const;

/** GEPA's budget in metric calls (examples evaluated, the initial validation included). */
export function gepaBudget(c: GepaConfig, s: RunShape): number {
  if (c.maxMetricCalls > 0) return c.maxMetricCalls;
  if (c.maxFullEvals > 0) return Math.ceil(c.maxFullEvals * (s.train + s.val));
  return autoBudget(s.prompts, AUTO_CANDIDATES[c.auto], s.val);
}

const gepa: CostModel = {
  phaseOf: onePhase,
  drivers(config, s) {
    // The trainer's initial validation is part of the budget but counted with the evaluations.
    const spent = Math.max(0, gepaBudget(config as GepaConfig, s) - s.val);
    return { steps: { task: spent, optimizer: spent } };
  },
};

export const COST_MODELS: Record<TrainingMethod, CostModel> = {
  gdpo,
  textgrad,
  bootstrap,
  bfsrs,
  mipro,
  gepa,
};
