/**
 * Validation of an OpenAI chat-completions body: every field the server honours is checked for type and
 * range, and a bad one is a 400 whose error names the `param`, as OpenAI's own errors do.
 */
import type { ChatMessage, ChatOptions, ChatRequest } from '@llm-autodiff/llm';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

/** OpenAI's own limit on `n`. */
const MAX_CHOICES = 128;
/** OpenAI's own limit on stop sequences. */
const MAX_STOP = 4;

export type JsonSchema = Record<string, unknown>;

export type WireFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; schema: JsonSchema };

/** What the server does beyond the sim's answer: output format, cuts, streaming. */
export interface WireControls {
  maxTokens?: number;
  stop: string[];
  format: WireFormat;
  stream: boolean;
  includeUsage: boolean;
}

export interface WireRequest {
  model: string;
  request: ChatRequest;
  controls: WireControls;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(param: string, message: string, code = 'invalid_value'): HttpError {
  return new HttpError(400, `Invalid '${param}': ${message}`, code, param);
}

function contentText(content: unknown, where: string): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part: unknown, i) => {
        if (isRecord(part) && part.type === 'text' && typeof part.text === 'string') return part.text;
        throw invalid(`${where}.content[${i}]`, 'only text parts are supported', 'invalid_content');
      })
      .join('');
  }
  throw invalid(`${where}.content`, 'must be a string or an array of text parts', 'invalid_content');
}

/** An assistant turn that called tools: its calls as readable text (the sim reads text only). */
function toolCallsText(calls: unknown, where: string): string {
  if (!Array.isArray(calls)) throw invalid(`${where}.tool_calls`, 'must be an array', 'invalid_messages');
  return calls
    .map((c, i) => {
      const fn = isRecord(c) && isRecord(c.function) ? c.function : undefined;
      if (!fn || typeof fn.name !== 'string')
        throw invalid(`${where}.tool_calls[${i}].function.name`, 'must be a string', 'invalid_messages');
      return `${fn.name}(${typeof fn.arguments === 'string' ? fn.arguments : ''})`;
    })
    .join('\n');
}

function toMessage(msg: unknown, i: number): ChatMessage {
  const where = `messages[${i}]`;
  if (!isRecord(msg)) throw invalid(where, 'must be an object', 'invalid_messages');
  const role = msg.role === 'developer' ? 'system' : msg.role;
  if (role === 'assistant' && (msg.content === null || msg.content === undefined)) {
    if (msg.tool_calls === undefined)
      throw invalid(`${where}.content`, 'is required unless tool_calls is given', 'invalid_content');
    return { role: 'assistant', content: toolCallsText(msg.tool_calls, where) };
  }
  // A tool result is text the next turn reads; the sim's roles are system, user and assistant.
  if (role === 'tool') return { role: 'user', content: contentText(msg.content, where) };
  if (role !== 'system' && role !== 'user' && role !== 'assistant')
    throw invalid(`${where}.role`, 'must be system, developer, user, assistant or tool', 'invalid_role');
  return { role, content: contentText(msg.content, where) };
}

function numberIn(b: Record<string, unknown>, param: string, lo: number, hi: number): number | undefined {
  const v = b[param];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw invalid(param, `expected a number, got ${JSON.stringify(v)}`, 'invalid_type');
  if (v < lo || v > hi) throw invalid(param, `${v} is out of range [${lo}, ${hi}]`);
  return v;
}

function integerIn(b: Record<string, unknown>, param: string, lo: number, hi: number): number | undefined {
  const v = numberIn(b, param, lo, hi);
  if (v !== undefined && !Number.isInteger(v))
    throw invalid(param, `expected an integer, got ${v}`, 'invalid_type');
  return v;
}

function stopOf(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string' && s.length > 0))
    throw invalid('stop', 'expected a non-empty string or an array of them', 'invalid_type');
  if (list.length > MAX_STOP) throw invalid('stop', `at most ${MAX_STOP} sequences`);
  return list as string[];
}

function formatOf(v: unknown): WireFormat {
  if (v === undefined || v === null) return { type: 'text' };
  if (!isRecord(v)) throw invalid('response_format', 'expected an object', 'invalid_type');
  if (v.type === 'text' || v.type === 'json_object') return { type: v.type };
  if (v.type !== 'json_schema')
    throw invalid('response_format.type', "expected 'text', 'json_object' or 'json_schema'");
  const js = v.json_schema;
  if (!isRecord(js) || typeof js.name !== 'string')
    throw invalid('response_format.json_schema.name', 'a json_schema needs a name', 'invalid_type');
  if (!isRecord(js.schema))
    throw invalid('response_format.json_schema.schema', 'expected a JSON Schema object', 'invalid_type');
  return { type: 'json_schema', schema: js.schema };
}

/** Validate an OpenAI chat body and turn it into the project's request type plus the wire controls. */
export function toChatRequest(body: unknown): WireRequest {
  if (!isRecord(body)) throw new HttpError(400, 'body must be a JSON object', 'invalid_body');
  const b = body;
  if (typeof b.model !== 'string') throw invalid('model', 'is required (a string)', 'missing_model');
  if (!Array.isArray(b.messages) || b.messages.length === 0)
    throw invalid('messages', 'must be a non-empty array', 'invalid_messages');
  const messages = b.messages.map(toMessage);
  if (b.stream !== undefined && b.stream !== null && typeof b.stream !== 'boolean')
    throw invalid('stream', 'expected a boolean', 'invalid_type');
  const so = b.stream_options;
  if (
    so !== undefined &&
    so !== null &&
    (!isRecord(so) || (so.include_usage !== undefined && typeof so.include_usage !== 'boolean'))
  )
    throw invalid('stream_options', 'expected { include_usage: boolean }', 'invalid_type');
  const options: ChatOptions = {};
  const temperature = numberIn(b, 'temperature', 0, 2);
  if (temperature !== undefined) options.temperature = temperature;
  const topP = numberIn(b, 'top_p', 0, 1);
  if (topP !== undefined) options.topP = topP;
  const maxParam = b.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens';
  const maxTokens = integerIn(b, maxParam, 1, Number.MAX_SAFE_INTEGER);
  if (maxTokens !== undefined) options.maxTokens = maxTokens;
  const seed = integerIn(b, 'seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (seed !== undefined) options.seed = seed;
  const n = integerIn(b, 'n', 1, MAX_CHOICES);
  if (n !== undefined) options.n = n;
  const stop = stopOf(b.stop);
  if (stop.length > 0) options.stop = stop;
  return {
    model: b.model,
    request: { messages, options },
    controls: {
      maxTokens,
      stop,
      format: formatOf(b.response_format),
      stream: b.stream === true,
      includeUsage: b.stream === true && isRecord(so) && so.include_usage === true,
    },
  };
}
