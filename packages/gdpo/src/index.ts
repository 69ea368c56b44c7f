export { readJson, writeJsonAtomic, writeTextAtomic } from './checkpoint';
export { mapLimit } from './concurrency';
export {
  type Ablations,
  DEFAULT_ABLATIONS,
  DEFAULT_CONFIG,
  type DemoSettings,
  resolveConfig,
  type TrainerConfig,
  type TrainerConfigInput,
  TrainerInputError,
} from './config';
export { DemoOptimizer, weightedSample } from './demo-step';
export { beats, type EvaluateOptions, type Evaluation, evaluate, SCORE_EPS } from './evaluate';
export {
  type FeedbackMode,
  GdpoOptimizer,
  type GdpoOptions,
  type GdpoState,
  type GdpoStats,
  type ProposalRecord,
} from './gdpo-optimizer';
export { OptimizerMemory } from './history';
export { MovingBatch, selectSubset } from './moving-batch';
export { type ParsedProposal, type ParseResult, parseProposal } from './parse-proposal';
export * from './prompts/gdpo';
export type * from './records';
export { Rng, type RngState } from './rng';
export { type TrainData, type TrainerModels, type TrainOptions, train } from './trainer';
export * from './usage';
