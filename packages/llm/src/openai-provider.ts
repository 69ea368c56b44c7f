import type OpenAI from 'openai';
import { isRetryableStatus, ModelSpecError, ProviderError } from './errors';
import { keepAliveFetch } from './http-fetch';
import { formatModelSpec, type ModelSpec, normalizeBaseURL } from './model-spec';
import { type MaxTokensField, parseCompletionBody, toCompletionParams } from './openai-mapping';
import type { ProviderFactory } from './registry';
import { parseRetryAfter } from './retry-after';
import type { CallContext, ChatModel, ChatRequest, ChatResponse } from './types';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

type OpenAISdk = typeof import('openai');
let sdk: Promise<OpenAISdk> | undefined;
/** The client loads on the first call: about 60 ms of CPU that a run on simulated or local models never needs. */
const loadSdk = (): Promise<OpenAISdk> => {
  sdk ??= import('openai');
  return sdk;
};

export interface OpenAIChatModelConfig {
  /** Canonical id (`openai:gpt-4o-mini`, `openai:llama3@http://localhost:8000/v1`). */
  id: string;
  model: string;
  baseURL: string;
  /** Held only inside the client; never stored on this object or put in messages. */
  apiKey: string;
  timeoutMs?: number;
  maxTokensField?: MaxTokensField;
}

/**
 * A model behind the chat-completions API, through the official `openai` client. The client's own
 * retries are off: the resilience layer retries with its own policy, clock and accounting.
 */
export class OpenAIChatModel implements ChatModel {
  readonly id: string;
  readonly model: string;
  readonly baseURL: string;
  private client: OpenAI | undefined;
  /** The loaded SDK, whose error classes the first call's failures are mapped by. */
  private sdk: OpenAISdk | undefined;
  /** Builds the client on the first call; the key lives only in this closure and the client. */
  private readonly createClient: (sdk: OpenAISdk) => OpenAI;
  private readonly maxTokensField: MaxTokensField;
  /** Replaces the key in error text, in case a server echoes it back. */
  private readonly redact: (text: string) => string;

  constructor(config: OpenAIChatModelConfig) {
    this.id = config.id;
    this.model = config.model;
    this.baseURL = config.baseURL;
    this.maxTokensField = config.maxTokensField ?? 'max_tokens';
    this.createClient = (loaded) =>
      new loaded.default({
        apiKey: config.apiKey,
        baseURL: config.baseURL,
        maxRetries: 0,
        timeout: config.timeoutMs ?? 10 * 60_000,
        // node:http with one keep-alive agent per endpoint: a fraction of the global fetch's CPU per call.
        fetch: keepAliveFetch,
      });
    const key = config.apiKey;
    this.redact = (text) => (key.length >= 4 ? text.split(key).join('[redacted]') : text);
  }

  async complete(request: ChatRequest, context?: CallContext): Promise<ChatResponse> {
    const started = performance.now();
    const params = toCompletionParams(this.model, request, this.maxTokensField);
    this.sdk ??= await loadSdk();
    this.client ??= this.createClient(this.sdk);
    let response: Response;
    try {
      // `asResponse` keeps the raw body, so a malformed one is reported with an excerpt instead of a bare SyntaxError.
      response = await this.client.chat.completions
        .create(params, { signal: context?.signal, maxRetries: 0 })
        .asResponse();
    } catch (e) {
      throw this.toProviderError(e);
    }
    let body: string;
    try {
      body = await response.text();
    } catch (e) {
      throw this.bodyLost(e);
    }
    // Redacted before parsing: a body that echoes the key must not carry it into errors, caches or results.
    const parsed = parseCompletionBody(this.id, this.redact(body), request);
    return {
      text: parsed.choices[0] ?? '',
      choices: parsed.choices,
      usage: parsed.usage,
      latencyMs: performance.now() - started,
      model: parsed.model ?? this.model,
      finishReason: parsed.finishReason,
      cacheHit: false,
      raw: parsed.raw,
    };
  }

  /**
   * The 2xx headers arrived, then the body was lost (socket closed mid-body): retryable like a reset,
   * but the server most likely billed the completion.
   */
  private bodyLost(e: unknown): unknown {
    const id = this.id;
    if (e instanceof Error && e.name === 'AbortError') return this.toProviderError(e);
    const detail = e instanceof Error ? e.message : String(e);
    return new ProviderError(this.redact(`${id}: connection lost while reading a 2xx response: ${detail}`), {
      modelId: id,
      kind: 'connection',
      retryable: true,
      billed: true,
      cause: e,
    });
  }

  private toProviderError(e: unknown): unknown {
    const id = this.id;
    if (!this.sdk) return e;
    const { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } = this.sdk;
    if (e instanceof APIUserAbortError) {
      return new ProviderError(`${id}: request aborted`, {
        modelId: id,
        kind: 'aborted',
        retryable: false,
        cause: e,
      });
    }
    if (e instanceof APIConnectionTimeoutError) {
      return new ProviderError(`${id}: request timed out`, {
        modelId: id,
        kind: 'timeout',
        retryable: true,
        cause: e,
      });
    }
    if (e instanceof APIConnectionError) {
      const detail = causeChain(e.cause);
      return new ProviderError(this.redact(`${id}: connection failed (${this.baseURL})${detail}`), {
        modelId: id,
        kind: 'connection',
        retryable: true,
        cause: e,
      });
    }
    if (e instanceof APIError && typeof e.status === 'number') {
      const headers = e.headers;
      const should = headers?.get('x-should-retry');
      const retryable = should === 'true' ? true : should === 'false' ? false : isRetryableStatus(e.status);
      return new ProviderError(this.redact(`${id}: HTTP ${e.status}: ${e.message}`), {
        modelId: id,
        kind: 'http',
        status: e.status,
        retryable,
        retryAfterMs: parseRetryAfter(headers, Date.now()),
      });
    }
    if (e instanceof Error && e.name === 'AbortError') {
      return new ProviderError(`${id}: request aborted`, {
        modelId: id,
        kind: 'aborted',
        retryable: false,
        cause: e,
      });
    }
    return e;
  }
}

export interface OpenAICompatibleProviderOptions {
  /** Environment variable holding the key (default `OPENAI_API_KEY`). */
  apiKeyEnv?: string;
  /** Environment variable naming a base URL (default `OPENAI_BASE_URL`). */
  baseURLEnv?: string;
  /** Used when neither spec, option nor environment names one (default: the OpenAI API). */
  defaultBaseURL?: string;
}

/**
 * Factory for an OpenAI-compatible provider. Base URL precedence: the spec's `@url`, then the
 * `baseURL` option, then the environment, then the default. The canonical id names the base URL
 * unless it is the OpenAI API itself, so `openai:gpt-4o-mini` stays short.
 */
export function openAICompatibleProvider(options: OpenAICompatibleProviderOptions = {}): ProviderFactory {
  const apiKeyEnv = options.apiKeyEnv ?? 'OPENAI_API_KEY';
  const baseURLEnv = options.baseURLEnv ?? 'OPENAI_BASE_URL';
  const defaultBaseURL = options.defaultBaseURL ?? OPENAI_DEFAULT_BASE_URL;
  return (spec: ModelSpec, po) => {
    const env = po.env ?? process.env;
    const where = `model ${formatModelSpec(spec)}`;
    const chosen = spec.baseURL ?? po.baseURL ?? nonEmpty(env[baseURLEnv]) ?? defaultBaseURL;
    const baseURL = normalizeBaseURL(chosen, where);
    const isDefault = baseURL === normalizeBaseURL(defaultBaseURL, where);
    let apiKey = nonEmpty(env[apiKeyEnv]);
    if (apiKey === undefined) {
      if (baseURL === OPENAI_DEFAULT_BASE_URL && !po.noCalls) {
        throw new ModelSpecError(
          `${where}: ${apiKeyEnv} is not set; export it in the environment (keys are read from there only)`,
        );
      }
      // Local servers (vLLM, Ollama, llama.cpp) ignore the key, but the client insists on one; a model
      // built for a dry run never sends it.
      apiKey = 'no-key';
    }
    const maxTokensField = po.settings?.maxTokensField;
    if (
      maxTokensField !== undefined &&
      maxTokensField !== 'max_tokens' &&
      maxTokensField !== 'max_completion_tokens'
    ) {
      throw new ModelSpecError(
        `${where}: settings.maxTokensField must be "max_tokens" or "max_completion_tokens"`,
      );
    }
    const id = formatModelSpec(
      isDefault ? { provider: spec.provider, model: spec.model } : { ...spec, baseURL },
    );
    return new OpenAIChatModel({
      id,
      model: spec.model,
      baseURL,
      apiKey,
      timeoutMs: po.timeoutMs,
      maxTokensField,
    });
  };
}

/** `: fetch failed <- other side closed (UND_ERR_SOCKET)`: the useful part of undici errors is nested. */
function causeChain(cause: unknown): string {
  const parts: string[] = [];
  for (let c = cause, depth = 0; c instanceof Error && depth < 4; c = c.cause, depth++) {
    const code = (c as Error & { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${c.message} (${code})` : c.message);
  }
  return parts.length ? `: ${parts.join(' <- ')}` : '';
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s.trim() === '' ? undefined : s.trim();
}
