/**
 * The trainer's `Method` seam, as the baselines use it (METHOD-SEAM.md; source: packages/trainer).
 */
export {
  beats,
  type Evaluation,
  emptyGates,
  type GateCounts,
  type Method,
  type MethodFactory,
  type MethodSetup,
  type ProposalAttempt,
  type Rng,
  type RunContext,
  SCORE_EPS,
  type StepOutcome,
  TrainerInputError,
} from '@llm-autodiff/trainer';
