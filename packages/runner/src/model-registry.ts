/**
 * The one place that connects model specs to the simulated world: `sim:task`, `sim:teacher` and
 * `sim:large` become in-process sim models once `registerSimProvider()` has run. Production code of
 * core, gdpo, baselines and tasks never imports the sim (the honesty rule); they only see `ChatModel`s.
 */
import {
  type ChatModel,
  createChatModel,
  knownProviders,
  ModelPool,
  type ModelPoolOptions,
  ModelSpecError,
  type ProviderFactory,
  type ProviderOptions,
  parseModelSpec,
  registerProvider,
} from '@llm-autodiff/llm';
import { createSimModel, type LatencySpec, type SimOptions } from '@llm-autodiff/sim';

function numberSetting(
  settings: ProviderOptions['settings'],
  key: string,
  where: string,
): number | undefined {
  const v = settings?.[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new ModelSpecError(`${where}: settings.${key} must be a number`);
  return v;
}

/** Provider factory for `sim:<name>`. `settings.seed` and `settings.latency` override the defaults. */
export function simProvider(defaults: SimOptions = {}): ProviderFactory {
  return (spec, options) => {
    const where = `model sim:${spec.model}`;
    if (spec.baseURL !== undefined) {
      throw new ModelSpecError(
        `${where}@${spec.baseURL}: sim models run in process; to talk to a sim server use "openai:sim:${spec.model}@${spec.baseURL}"`,
      );
    }
    const seed = numberSetting(options.settings, 'seed', where) ?? defaults.seed;
    const latency = (options.settings?.latency as LatencySpec | undefined) ?? defaults.latency;
    try {
      return createSimModel(spec.model, { ...defaults, seed, latency });
    } catch (e) {
      throw new ModelSpecError(`${where}: ${(e as Error).message.replace(/^sim: /, '')}`);
    }
  };
}

/** Registers `sim` in llm's provider registry; returns the function that unregisters it. */
export function registerSimProvider(defaults: SimOptions = {}): () => void {
  return registerProvider('sim', simProvider(defaults));
}

/**
 * Create any model by spec (`openai:…`, `sim:…`), registering the sim provider when it is missing (checked
 * each time rather than remembered, so an unregistered provider, e.g. by a test's undo, comes back).
 */
export function createModel(spec: string, options: ProviderOptions = {}): ChatModel {
  if (!knownProviders().includes('sim')) registerSimProvider();
  return createChatModel(spec, options);
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
    else if (!knownProviders().includes(parsed.provider))
      return `unknown model provider "${parsed.provider}" in "${spec}" (known providers: ${[
        ...knownProviders(),
        'sim',
      ]
        .filter((p, i, a) => a.indexOf(p) === i)
        .sort()
        .join(', ')})`;
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
