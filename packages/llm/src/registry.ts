import { ModelSpecError } from './errors';
import { type ModelSpec, parseModelSpec } from './model-spec';
import { openAICompatibleProvider } from './openai-provider';
import type { ChatModel } from './types';

/** What a provider factory gets besides the parsed spec. */
export interface ProviderOptions {
  /** Base URL of an OpenAI-compatible server (a CLI flag); the spec's own `@url` wins over it. */
  baseURL?: string;
  /** Where keys and `OPENAI_BASE_URL` are read; defaults to `process.env`. Keys come from here only. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Client-side timeout of one HTTP request, ms (the resilience layer has its own per-call timeout). */
  timeoutMs?: number;
  /** Provider-specific settings. */
  settings?: Readonly<Record<string, unknown>>;
  /** The model is built to be checked or described, never called (a dry run): no API key is needed. */
  noCalls?: boolean;
}

export type ProviderFactory = (spec: ModelSpec, options: ProviderOptions) => ChatModel;

/**
 * Provider name -> factory. The module keeps one default registry with `openai` built in; importing
 * `@llm-autodiff/sim` registers `sim`, so this package stays free of the simulated world.
 */
export class ProviderRegistry {
  private readonly factories = new Map<string, ProviderFactory>();

  /** Registers (or replaces) a provider; the returned function restores what was there before. */
  register(name: string, factory: ProviderFactory): () => void {
    if (!/^[a-z][a-z0-9_-]*$/.test(name)) {
      throw new ModelSpecError(
        `provider name ${JSON.stringify(name)} must be lowercase letters, digits, "-" or "_"`,
      );
    }
    const previous = this.factories.get(name);
    this.factories.set(name, factory);
    return () => {
      if (previous) this.factories.set(name, previous);
      else this.factories.delete(name);
    };
  }

  known(): string[] {
    return [...this.factories.keys()].sort();
  }

  create(spec: string | ModelSpec, options: ProviderOptions = {}): ChatModel {
    const parsed = typeof spec === 'string' ? parseModelSpec(spec) : spec;
    const factory = this.factories.get(parsed.provider);
    if (!factory) {
      const known = this.known();
      throw new ModelSpecError(
        `unknown model provider ${JSON.stringify(parsed.provider)} in ${JSON.stringify(typeof spec === 'string' ? spec : parsed.provider)}; ` +
          `known providers: ${known.length ? known.join(', ') : '(none)'}` +
          (parsed.provider === 'sim'
            ? " (sim models come from @llm-autodiff/sim: import '@llm-autodiff/sim' once to register them)"
            : ''),
      );
    }
    return factory(parsed, options);
  }
}

export const defaultRegistry = new ProviderRegistry();
defaultRegistry.register('openai', openAICompatibleProvider());

export function registerProvider(name: string, factory: ProviderFactory): () => void {
  return defaultRegistry.register(name, factory);
}

export function knownProviders(): string[] {
  return defaultRegistry.known();
}

/**
 * The way to get a model: `createModel('openai:gpt-4o-mini')`, `createModel('sim:task')` (after
 * `import '@llm-autodiff/sim'`) -> a raw provider model (wrap it with `managedModel` for accounting,
 * caching, budgets and retries).
 */
export function createModel(spec: string | ModelSpec, options: ProviderOptions = {}): ChatModel {
  return defaultRegistry.create(spec, options);
}

/** The same as `createModel` (the older name, kept for existing code). */
export const createChatModel = createModel;
