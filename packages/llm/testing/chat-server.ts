/**
 * A minimal chat-completions server on 127.0.0.1 (random port) for tests: it records every request
 * and answers as the test's responder says, including the failures a real server or network produces
 * (status errors with headers, malformed bodies, hangs, resets, bodies cut mid-way).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (or the raw text when it is not JSON). */
  body: unknown;
}

export type Reply =
  | { kind: 'json'; status?: number; headers?: Record<string, string>; body: unknown }
  | { kind: 'raw'; status?: number; headers?: Record<string, string>; body: string; contentType?: string }
  /** Never answers (until the server closes). */
  | { kind: 'hang' }
  /** Drops the connection before any response byte. */
  | { kind: 'reset' }
  /** Sends headers announcing `declaredLength` bytes, then part of the body, then closes the socket. */
  | { kind: 'cut'; body: string; declaredLength: number };

export type Responder = (request: RecordedRequest, index: number) => Reply | Promise<Reply>;

export interface ChatServer {
  /** e.g. `http://127.0.0.1:40123/v1` */
  baseURL: string;
  requests: RecordedRequest[];
  setResponder(r: Responder): void;
  close(): Promise<void>;
}

export interface CompletionBodyInit {
  contents?: string[];
  model?: string;
  /** `null` omits the usage block (as some local servers do). */
  usage?: { prompt: number; completion: number; cached?: number } | null;
  finishReason?: string;
}

/** A well-formed chat-completions response body. */
export function completionBody(init: CompletionBodyInit = {}): Record<string, unknown> {
  const contents = init.contents ?? ['ok'];
  const body: Record<string, unknown> = {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: init.model ?? 'test-model',
    choices: contents.map((content, index) => ({
      index,
      message: { role: 'assistant', content },
      finish_reason: init.finishReason ?? 'stop',
    })),
  };
  const u = init.usage === undefined ? { prompt: 10, completion: 2 } : init.usage;
  if (u !== null) {
    body.usage = {
      prompt_tokens: u.prompt,
      completion_tokens: u.completion,
      total_tokens: u.prompt + u.completion,
      prompt_tokens_details: { cached_tokens: u.cached ?? 0 },
    };
  }
  return body;
}

/** Answers `echo: <last user message>` with fixed usage. */
export const echoResponder: Responder = (req) => {
  const messages = (req.body as { messages?: Array<{ content: string }> }).messages ?? [];
  return { kind: 'json', body: completionBody({ contents: [`echo: ${messages.at(-1)?.content ?? ''}`] }) };
};

export async function startChatServer(respond: Responder = echoResponder): Promise<ChatServer> {
  let responder = respond;
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the raw text: the test will see what was sent
      }
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
      };
      requests.push(recorded);
      const reply = await responder(recorded, requests.length - 1);
      switch (reply.kind) {
        case 'json': {
          const payload = JSON.stringify(reply.body);
          res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
          res.end(payload);
          return;
        }
        case 'raw':
          res.writeHead(reply.status ?? 200, {
            'content-type': reply.contentType ?? 'application/json',
            ...reply.headers,
          });
          res.end(reply.body);
          return;
        case 'hang':
          return;
        case 'reset':
          req.socket.destroy();
          return;
        case 'cut':
          res.writeHead(200, {
            'content-type': 'application/json',
            'content-length': String(reply.declaredLength),
          });
          res.write(reply.body, () => setTimeout(() => req.socket.destroy(), 10));
          return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    setResponder: (r) => {
      responder = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
