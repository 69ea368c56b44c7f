/**
 * The one place that connects model specs to the simulated world: `sim:task`, `sim:teacher` and
 * `sim:large` become in-process sim models. Importing this package registers the `sim` provider in
 * llm's default registry (once, unless something registered `sim` before), so after
 * `import '@llm-autodiff/sim'` a plain `createModel('sim:task')` works. llm itself never imports the sim:
 * it stays a model layer with no simulated world in it, and production code of core, gdpo, baselines and
 * tasks never imports the sim either (the honesty rule); they only see `ChatModel`s.
 */
import {
  knownProviders,
  ModelSpecError,
  type ProviderFactory,
  type ProviderOptions,
  registerProvider,
} from '@llm-autodiff/llm';
import type { LatencySpec } from './latency';
import { createSimModel, type SimOptions } from './sim-model';

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

/** Registers `sim` with default options unless a `sim` provider is registered already. */
export function ensureSimProvider(): void {
  if (!knownProviders().includes('sim')) registerSimProvider();
}
