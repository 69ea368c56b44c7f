/**
 * The data every package shares about a model call. Providers, wrappers (cache, retries, budgets,
 * ledger), the engine and the simulated world all speak these types and nothing else.
 */

export type MessageRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: MessageRole;
  content: string;
}

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; strict?: boolean };

/** Sampling and output options. Every field is part of the cache key. */
export interface ChatOptions {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  seed?: number;
  /** Number of choices; `ChatResponse.text` is the first. */
  n?: number;
  stop?: string[];
  responseFormat?: ResponseFormat;
}

/** What is sent. The model is the `ChatModel` the request is sent to. */
export interface ChatRequest {
  messages: ChatMessage[];
  options?: ChatOptions;
}

/**
 * Who spends the tokens. The four built-in roles are what the paper's accounting separates; any
 * other string is a custom role (e.g. `judge`).
 */
export type CallRole = 'task' | 'backward' | 'optimizer' | 'teacher' | (string & {});

/** Per-call context: accounting labels and control. Never part of the cache key except `cacheSalt`. */
export interface CallContext {
  role?: CallRole;
  /** Free labels recorded in the ledger, e.g. `{ experiment: 'oc-gdpo', step: 3 }`. */
  labels?: Record<string, string | number>;
  /**
   * The call's part of the cache key, for deliberate re-sampling within a run (e.g. `proposal=2` so
   * five proposals of one step are five samples, not one answer five times). A managed model combines
   * it with its run salt (`combineCacheSalts(runSalt, cacheSalt)`, run salt from `runCacheSalt`).
   */
  cacheSalt?: string;
  /**
   * Skip the cache for this call (read and write). Avoid it: such a call cannot be replayed, and in
   * read-only (replay) mode it fails with `CacheMissError` instead of reaching the network. Use
   * `cacheSalt` to re-sample instead.
   */
  noCache?: boolean;
  signal?: AbortSignal;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens the provider served from its own prompt cache (OpenAI `cached_tokens`). */
  cachedTokens: number;
  /** True when the server returned no usage and the figures were counted with a tokenizer. */
  estimated: boolean;
}

export interface ChatResponse {
  /** Text of the first choice. */
  text: string;
  /** Text of every choice (length = options.n, default 1). */
  choices: string[];
  usage: TokenUsage;
  /** Wall-clock of this call as the caller saw it (for a cache hit: the lookup's own time). */
  latencyMs: number;
  /** Model name the server reports (may differ from the requested one, e.g. a dated snapshot). */
  model: string;
  finishReason?: string;
  /** True when served from the response cache (costs nothing, counted apart). */
  cacheHit: boolean;
  /** The provider's raw response body (parsed JSON), for debugging. Never holds credentials. */
  raw: unknown;
  /**
   * Answered on this machine, no model billed (a `ruleModel` rule): a managed model records it with zero
   * tokens and marks it local. Set per answer, for models that answer some calls locally and send others.
   */
  local?: true;
}

/** The one interface every model, wrapper and test double implements. */
export interface ChatModel {
  /**
   * The canonical spec, e.g. `openai:gpt-4o-mini`, `openai:llama3@http://localhost:8000/v1`, `sim:task`.
   * Ledgers record it and cache keys include it, so two servers never share entries.
   */
  readonly id: string;
  /**
   * Every call is answered on this machine (a rule table, a scripted double asked to say so): a managed
   * model records its calls with zero tokens, marked local, and a dollar budget needs no price for it.
   */
  readonly local?: true;
  complete(request: ChatRequest, context?: CallContext): Promise<ChatResponse>;
}
