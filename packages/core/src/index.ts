export { backward, levelsFromRoot, topologicalOrder } from './backward';
export { type BackwardRule, runBackwardDataflow } from './backward-schedule';
export { currentMode, type Mode, runSample, type SampleOptions } from './context';
export {
  type DefinedProgram,
  defaultSampleId,
  defineProgram,
  exactMatch,
  type ProgramMetric,
  type ProgramSpec,
} from './define-program';
export { renderDemos, traceToDemo } from './demos';
export {
  AutodiffError,
  BackwardConfigError,
  ComponentOutputError,
  GraphCycleError,
  NothingTrainableError,
  ParameterStateError,
  SampleIdError,
  UserFunctionError,
} from './errors';
export { newGradient } from './feedback';
export {
  type BackwardAccounting,
  type BackwardOptions,
  type BackwardReport,
  DEFAULT_SKIP_ABOVE_SCORE,
  type FeedbackAnswer,
  FeedbackEngine,
  noErrorFeedback,
  requestText,
} from './feedback-engine';
export {
  type FnComponent,
  type FnOptions,
  fn,
  type RetrieverComponent,
  type RetrieverOptions,
  retriever,
  type TracedArgs,
} from './functional';
export { type GeneratorComponent, type GeneratorConfig, generator, type TracedInputs } from './generator';
export type { Gradient } from './gradient';
export { exportGraph, type GraphJson, type GraphNode, toDot, toMermaid } from './graph-export';
export { type LossOptions, loss, sum } from './loss';
export {
  type BackwardFn,
  type CallTrace,
  type ComponentCall,
  type ComponentKind,
  type Demo,
  type DemoTrace,
  defaultDisplay,
  demosParam,
  type GradientFor,
  isParameter,
  Parameter,
  type ParamKind,
  type ParamOptions,
  param,
  type Traced,
  type TracedArg,
  unwrap,
} from './parameter';
export {
  type Prediction,
  type Program,
  restoreCommitted,
  trainableDemos,
  trainableParameters,
  trainablePrompts,
  zeroGrad,
} from './program';
export {
  type BackwardPromptFields,
  type ListedVariable,
  renderBackwardPrompt,
} from './prompts/backward-engine';
export type { ComponentInfo } from './record';
export { groupGradients, type RenderGradientsOptions, renderGradients } from './render-gradients';
export {
  type OutputKind,
  parseSignature,
  type Signature,
  SignatureError,
  type SignatureInputs,
  type SignatureOutput,
  type SignatureOutputName,
} from './signature';
export type { SignatureGeneratorConfig, SignatureGeneratorOutput } from './signature-generator';
