/** What the DSPy-style methods' calls scale with (trainer's `CostModel`). */
import { type CostModel, onePhase } from '@llm-autodiff/trainer';
import type { BfsrsConfig, BootstrapConfig } from './bootstrap';
import type { MiproConfig } from './mipro';

/** DSPy-style demo sets: bootstrapped demos, filled up with labeled ones. */
const labeledOrBootstrapped = (c: BootstrapConfig): number =>
  Math.max(c.maxLabeledDemos, c.maxBootstrappedDemos);

/** MIPRO's trials: `numTrials`, or the reference's max(2·V·log2 N, 1.5·N), V doubled when demos are tuned. */
export function miproTrials(
  c: Pick<MiproConfig, 'numTrials' | 'numCandidates'>,
  prompts: number,
  slots: number,
): number {
  if (c.numTrials > 0) return c.numTrials;
  const v = Math.max(prompts, slots) * (slots > 0 && prompts > 0 ? 2 : 1);
  return Math.max(
    1,
    Math.floor(Math.max(2 * v * Math.log2(Math.max(2, c.numCandidates)), 1.5 * c.numCandidates)),
  );
}

export const bootstrapCostModel: CostModel<BootstrapConfig> = {
  phaseOf: onePhase,
  demosShown: labeledOrBootstrapped,
  steps: () => 1,
  drivers: (c, s) => ({
    steps: {
      // One validation, plus the student rendering labeled demos.
      task: s.val + Math.min(c.maxLabeledDemos, s.train),
      // The teacher walks the training set until enough successes.
      teacher: Math.min(s.train, c.maxBootstrappedDemos),
    },
  }),
};

export const bfsrsCostModel: CostModel<BfsrsConfig> = {
  phaseOf: onePhase,
  demosShown: labeledOrBootstrapped,
  steps: (c) => c.numCandidatePrograms + 3,
  drivers(c, s) {
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

export const miproCostModel: CostModel<MiproConfig> = {
  phaseOf: (p) => (p === 'propose' ? 'propose' : 'trials'),
  demosShown: labeledOrBootstrapped,
  // Trials depend on the pipeline's prompts and slots; with numTrials 0 this is the one-prompt count.
  steps: (c) => 1 + miproTrials(c, 1, 0),
  drivers(c, s) {
    const n = Math.max(1, c.numCandidates);
    const perPrompt = s.demoSlots > 0 ? Math.max(1, Math.floor(n / 2)) : n;
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
        // Observations over batches of the data view, a summary, a program description, then per prompt a
        // module description and the proposals.
        optimizer: s.prompts > 0 ? Math.ceil(viewed / c.viewDataBatchSize) + 2 + s.prompts * perPrompt : 0,
      },
      trials: { task: perTrial },
    };
  },
};
