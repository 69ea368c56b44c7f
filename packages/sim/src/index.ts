export {
  type BackwardFields,
  type OptimizerFields,
  type ParsedRequest,
  type ParsedVariable,
  parseRequest,
  recognizeRole,
  type SimRole,
  type TaskFields,
} from './contract';
export { findDataDir, NO_DATA_MESSAGE } from './data/paths';
export { type LatencySpec, REALISTIC_LATENCY, ZERO_LATENCY } from './latency';
export { PROFILES, profileFor, type SimModelName, type SimProfile } from './profiles';
export { type FaultRates, type SimServer, type SimServerOptions, startSimServer } from './server';
export {
  createSimModel,
  deriveSimSeed,
  type SimCompletion,
  type SimOptions,
  simComplete,
} from './sim-model';

import { ensureSimProvider } from './provider';

export { ensureSimProvider, registerSimProvider, simProvider } from './provider';

// Importing the package makes `createModel('sim:task')` work (see provider.ts for why it is not in llm).
ensureSimProvider();
