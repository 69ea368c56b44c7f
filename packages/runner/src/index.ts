export { main, USAGE } from './cli';
export { ExperimentError, loadExperiment, parseExperiment } from './experiment/load';
export { type Experiment, ExperimentSchema } from './experiment/schema';
export { methods } from './methods';
export { createModel, registerSimProvider, simProvider } from './model-registry';
export * from './outputs';
export { loadModuleModels, MODULE_PROVIDER } from './program/module-models';
export type { ProgramExport } from './program/program-module';
export { planExperiment, type RunSpec } from './repro/plan';
export { type RunContext, runOne } from './repro/run-one';
export {
  type RoleSpecs,
  type RunSetup,
  type RunSetupOptions,
  SIM_ROLES,
  setupRun,
  type TaskExample,
} from './run-setup';
