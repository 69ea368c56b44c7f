export {
  type BaselineName,
  DEPARTURES,
  type DepartureRow,
  PARTIAL_USE,
  type PartialUse,
} from './departures';
export { type BfsrsConfig, type BootstrapConfig, bfsrsFactory, bootstrapFactory } from './dspy/bootstrap';
export { type MiproConfig, miproFactory, miproTrials } from './dspy/mipro';
export { autoBudget } from './gepa/cost-model';
export { type GepaConfig, gepaFactory } from './gepa/method';
export { BASELINE_METHODS } from './register';
export { textgradBackward } from './textgrad/backward';
export { type TextGradConfig, textgradFactory } from './textgrad/method';
