export { batchIndices } from './batches';
export {
  CHECKPOINT_FORMAT,
  type Checkpoint,
  checkpointSchema,
  checkpointSpend,
  checkpointUsage,
  firstIssue,
  gateCountsSchema,
  parseCheckpoint,
  readCheckpoint,
  stepRecordSchema,
  trainResultSchema,
  writeCheckpoint,
} from './checkpoint';
export { lockCheckpoint } from './checkpoint-lock';
export { TrainerInputError } from './errors';
export { beats, type EvaluateOptions, type Evaluation, evaluate, SCORE_EPS } from './evaluate';
export { diffManifests } from './manifest-diff';
export type {
  BackwardRequest,
  Method,
  MethodFactory,
  MethodModels,
  MethodSetup,
  Metric,
  RunContext,
  ScoredLoss,
  StepOutcome,
} from './method';
export {
  getMethod,
  listMethods,
  MethodRegistry,
  methods,
  registerMethod,
  UnknownMethodError,
} from './registry';
export { Rng, type RngState } from './rng';
export { dataKey, type TrainData } from './run-checks';
export { DEFAULT_TRAINER_SETTINGS, MAX_SEED, resolveTrainerSettings } from './settings';
export {
  addGates,
  attemptValidation,
  emptyGates,
  type GateCounts,
  gateSummary,
  gatesOf,
  gateTotals,
  type ProposalAttempt,
  type StepRecord,
  stepLine,
  type TrainerSettings,
  type TrainResult,
} from './step-records';
export { type TrainOptions, train } from './train';
export * from './usage';
