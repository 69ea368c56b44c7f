export { main, USAGE } from './cli';
export { methods } from './methods';
export { createModel, registerSimProvider, simProvider } from './model-registry';
export {
  type RoleSpecs,
  type RunSetup,
  type RunSetupOptions,
  SIM_ROLES,
  setupRun,
  type TaskExample,
} from './run-setup';
