/** The zod a method's config schema is written with (the one `defineMethod` and the help texts read). */
export { z } from 'zod';
export { batchIndices } from './batches';
export { BUILTIN_METHODS, methodByName } from './builtin-methods';
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
  roleSpentSchema,
  stepRecordSchema,
  trainResultSchema,
  writeCheckpoint,
} from './checkpoint';
export { lockCheckpoint } from './checkpoint-lock';
export { type CostModel, type CostRole, type Drivers, onePhase, type RunShape } from './cost-model';
export { TrainerInputError } from './errors';
export { beats, type EvaluateOptions, type Evaluation, evaluate, SCORE_EPS } from './evaluate';
export {
  type FlagUse,
  GENERAL_FLAGS,
  type GeneralFlag,
  type GeneralFlags,
  generalFlagFields,
  generalFlagHelp,
  refused,
  setsField,
} from './general-flags';
export { diffManifests } from './manifest-diff';
export type {
  BackwardRequest,
  Method,
  MethodDefinition,
  MethodFactory,
  MethodModels,
  MethodSetup,
  Metric,
  RunContext,
  ScoredLoss,
  StepOutcome,
} from './method';
export { defineMethod, tunedKinds } from './method';
export {
  type ConfigField,
  configFields,
  MethodConfigError,
  parseMethodConfig,
  partialLayer,
} from './method-config';
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
export { startMethod } from './start-method';
export {
  addGates,
  attemptValidation,
  emptyGates,
  type GateCounts,
  gatedOutcome,
  gateSummary,
  gatesOf,
  gateTotals,
  type ProposalAttempt,
  type StepRecord,
  stepLine,
  type TrainerSettings,
  type TrainResult,
} from './step-records';
export { spendJournalPath, type TrainOptions, train } from './train';
export * from './usage';
