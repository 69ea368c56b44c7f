export {
  type Ablations,
  DEFAULT_ABLATIONS,
  DEFAULT_GDPO_CONFIG,
  type DemoSettings,
  type GdpoConfig,
  type GdpoConfigInput,
  gdpoConfigSchema,
  resolveGdpoConfig,
} from './config';
export {
  type DemoCandidate,
  DemoOptimizer,
  type DemoState,
  GdpoDemoMethod,
  weightedSample,
} from './demo-method';
export { gdpoMethod } from './gdpo-method';
export {
  type FailedProposalRendering,
  type FeedbackMode,
  GdpoOptimizer,
  type GdpoOptions,
  type GdpoState,
  type GdpoStats,
  type ParseFailureBehaviour,
  type ProposalRecord,
} from './gdpo-optimizer';
export { OptimizerMemory } from './history';
export { MovingBatch, selectSubset } from './moving-batch';
export { type ParsedProposal, type ParseResult, parseProposal } from './parse-proposal';
export * from './prompts/gdpo';
export { GdpoTextMethod, type GdpoTextState } from './text-method';
