export {
  type BaselineName,
  DEPARTURES,
  type DepartureRow,
  PARTIAL_USE,
  type PartialUse,
} from './departures';
export { type BfsrsConfig, type BootstrapConfig, bfsrsFactory, bootstrapFactory } from './dspy/bootstrap';
export { miproTrials } from './dspy/cost-model';
export { type MiproConfig, miproFactory } from './dspy/mipro';
export { autoBudget } from './gepa/cost-model';
export { type GepaConfig, gepaFactory } from './gepa/method';
export { BASELINE_METHODS } from './register';
export { textgradBackward } from './textgrad/backward';
export { type TextGradConfig, textgradFactory } from './textgrad/method';
