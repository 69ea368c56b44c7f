/**
 * Server-sent-event streaming of a chat completion, shaped like OpenAI's `chat.completion.chunk`s: a role
 * delta, content deltas, a final delta with the finish reason per choice, then (with
 * `stream_options.include_usage`) one chunk with empty `choices` and the usage, then `data: [DONE]`.
 */
import type { ServerResponse } from 'node:http';
import type { ControlledText } from './server-output';

export interface StreamUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface StreamSpec {
  id: string;
  model: string;
  created: number;
  choices: readonly ControlledText[];
  usage: StreamUsage;
  includeUsage: boolean;
  /** Stop after this fraction of the events, without `[DONE]` (a dropped connection). */
  cutAt?: number;
}

/** Pieces of a few words each, so a client sees several deltas. */
export function pieces(text: string): string[] {
  return (
    text.match(/\S+\s*|\s+/g)?.reduce<string[]>((out, w, i) => {
      if (i % 4 === 0) out.push(w);
      else out[out.length - 1] += w;
      return out;
    }, []) ?? []
  );
}

export function streamEvents(s: StreamSpec): string[] {
  const base = { id: s.id, object: 'chat.completion.chunk', created: s.created, model: s.model };
  const usage = s.includeUsage ? { usage: null } : {};
  const chunk = (index: number, delta: Record<string, unknown>, finish: string | null) => ({
    ...base,
    choices: [{ index, delta, logprobs: null, finish_reason: finish }],
    ...usage,
  });
  const events: unknown[] = [];
  s.choices.forEach((c, index) => {
    events.push(chunk(index, { role: 'assistant', content: '', refusal: null }, null));
    for (const p of pieces(c.text)) events.push(chunk(index, { content: p }, null));
    events.push(chunk(index, {}, c.finishReason));
  });
  if (s.includeUsage) events.push({ ...base, choices: [], usage: s.usage });
  const lines = events.map((e) => `data: ${JSON.stringify(e)}\n\n`);
  if (s.cutAt !== undefined) return lines.slice(0, Math.max(1, Math.floor(lines.length * s.cutAt)));
  return [...lines, 'data: [DONE]\n\n'];
}

export function writeStream(res: ServerResponse, s: StreamSpec): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  for (const e of streamEvents(s)) res.write(e);
  res.end();
}
