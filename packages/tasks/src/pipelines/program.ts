// The pipelines are defined with core's `defineProgram`; these names are the ones tasks has always used.
export {
  type DefinedProgram as TaskProgram,
  defineProgram,
  type ProgramSpec as PipelineSpec,
} from '@llm-autodiff/core';
