/**
 * Models by spec for the CLI. The sim provider lives in `@llm-autodiff/sim`, which registers it on
 * import; this module imports it so every `sim:` spec works in the runner.
 */
import '@llm-autodiff/sim';

export { createModel } from '@llm-autodiff/llm';
export { registerSimProvider, simProvider } from '@llm-autodiff/sim';
