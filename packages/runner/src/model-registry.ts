/**
 * Models by spec for the CLI. The sim provider lives in `@llm-autodiff/sim`, which registers it on
 * import; this module makes sure it is there on every call, so every `sim:` spec works in the runner.
 */
import {
  type ChatModel,
  createModel as createProviderModel,
  knownProviders,
  ModelPool,
  type ModelPoolOptions,
  type ProviderOptions,
  parseModelSpec,
} from '@llm-autodiff/llm';
import { ensureSimProvider } from '@llm-autodiff/sim';
import { parseProgramRef } from './program/program-module';

export { registerSimProvider, simProvider } from '@llm-autodiff/sim';

/**
 * Create any model by spec (`openai:…`, `sim:…`), registering the sim provider when it is missing (checked
 * each time rather than remembered, so an unregistered provider, e.g. by a test's undo, comes back).
 */
export function createModel(spec: string, options: ProviderOptions = {}): ChatModel {
  ensureSimProvider();
  return createProviderModel(spec, options);
}

/**
 * The run's models: one shared managed model per distinct endpoint and model, over this registry
 * (sim included), with role views from `pool.forRole(role, spec)` / `pool.bind(specs)`.
 */
export function createModelPool(options: Omit<ModelPoolOptions, 'create'> = {}): ModelPool {
  return new ModelPool({ ...options, create: createModel });
}

/**
 * Checks a spec without any environment: syntax, a known provider, and for `sim:` a known profile. An
 * API key is not checked here (that is the environment's part, checked before a run starts).
 */
export function checkModelSpec(spec: string): string | undefined {
  try {
    const parsed = parseModelSpec(spec);
    if (parsed.provider === 'sim') createModel(spec);
    else if (parsed.provider === 'module')
      parseProgramRef(parsed.model); // loaded before the run starts
    else if (!knownProviders().includes(parsed.provider))
      return `unknown model provider "${parsed.provider}" in "${spec}" (known providers: ${[
        ...knownProviders(),
        'sim',
        'module',
      ]
        .filter((p, i, a) => a.indexOf(p) === i)
        .sort()
        .join(', ')})`;
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
