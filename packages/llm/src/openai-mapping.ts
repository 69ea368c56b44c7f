/**
 * Translation between our `ChatRequest`/`ChatResponse` and the chat-completions wire format. Pure
 * functions, so the mapping is testable without a server.
 */
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { MalformedResponseError } from './errors';
import { countMessageTokens, countTokens } from './tokenizer';
import type { ChatRequest, TokenUsage } from './types';

/** Newer OpenAI models reject `max_tokens`; most local servers only know it. */
export type MaxTokensField = 'max_tokens' | 'max_completion_tokens';

export function toCompletionParams(
  model: string,
  request: ChatRequest,
  maxTokensField: MaxTokensField = 'max_tokens',
): ChatCompletionCreateParamsNonStreaming {
  const o = request.options ?? {};
  const params: ChatCompletionCreateParamsNonStreaming = {
    model,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
  };
  if (o.temperature !== undefined) params.temperature = o.temperature;
  if (o.maxTokens !== undefined) params[maxTokensField] = o.maxTokens;
  if (o.topP !== undefined) params.top_p = o.topP;
  if (o.seed !== undefined) params.seed = o.seed;
  if (o.n !== undefined) params.n = o.n;
  if (o.stop !== undefined) params.stop = o.stop;
  const rf = o.responseFormat;
  if (rf?.type === 'json_object') params.response_format = { type: 'json_object' };
  else if (rf?.type === 'json_schema') {
    params.response_format = {
      type: 'json_schema',
      json_schema: {
        name: rf.name,
        schema: rf.schema,
        ...(rf.strict === undefined ? {} : { strict: rf.strict }),
      },
    };
  }
  return params;
}

export interface ParsedCompletion {
  choices: string[];
  finishReason: string | undefined;
  model: string | undefined;
  usage: TokenUsage;
  raw: unknown;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function count(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : undefined;
}

/**
 * Parses a chat-completions body. Unparseable JSON (usually a body cut in transit) is retryable; JSON
 * of the wrong shape is not (the server speaks another protocol, asking again will not help).
 */
export function parseCompletionBody(modelId: string, body: string, request: ChatRequest): ParsedCompletion {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    throw new MalformedResponseError(modelId, 'body is not valid JSON', body, { retryable: true, cause });
  }
  if (!isRecord(json))
    throw new MalformedResponseError(modelId, 'body is not a JSON object', body, { retryable: false });
  if (!Array.isArray(json.choices) || json.choices.length === 0) {
    throw new MalformedResponseError(modelId, '"choices" is missing or empty', body, { retryable: false });
  }
  // Choices arrive with an `index`; order by it so `choices[0]` is the first one.
  const ordered = [...json.choices].sort((a, b) => indexOf(a) - indexOf(b));
  const choices: string[] = [];
  let finishReason: string | undefined;
  for (const [i, c] of ordered.entries()) {
    if (!isRecord(c) || !isRecord(c.message)) {
      throw new MalformedResponseError(modelId, `choice ${i} has no "message" object`, body, {
        retryable: false,
      });
    }
    const content = c.message.content;
    // null content is legal (a refusal or tool call); it reads as empty text.
    if (content !== null && content !== undefined && typeof content !== 'string') {
      throw new MalformedResponseError(modelId, `choice ${i} "message.content" is not a string`, body, {
        retryable: false,
      });
    }
    choices.push(content ?? '');
    if (i === 0 && typeof c.finish_reason === 'string') finishReason = c.finish_reason;
  }
  return {
    choices,
    finishReason,
    model: typeof json.model === 'string' ? json.model : undefined,
    usage: readUsage(json.usage, request, choices),
    raw: json,
  };
}

function indexOf(choice: unknown): number {
  return isRecord(choice) && typeof choice.index === 'number' ? choice.index : 0;
}

/** Server usage when complete; otherwise counted with the o200k tokenizer and marked `estimated`. */
export function readUsage(usage: unknown, request: ChatRequest, choices: string[]): TokenUsage {
  if (isRecord(usage)) {
    const prompt = count(usage.prompt_tokens);
    const completion = count(usage.completion_tokens);
    if (prompt !== undefined && completion !== undefined) {
      const details = usage.prompt_tokens_details;
      const cached = isRecord(details) ? (count(details.cached_tokens) ?? 0) : 0;
      return { promptTokens: prompt, completionTokens: completion, cachedTokens: cached, estimated: false };
    }
  }
  return {
    promptTokens: countMessageTokens(request.messages),
    completionTokens: choices.reduce((sum, c) => sum + countTokens(c), 0),
    cachedTokens: 0,
    estimated: true,
  };
}
