/**
 * An OpenAI-compatible HTTP front for the simulated world: `/v1/chat/completions` and `/v1/models`,
 * `usage` in every response, and deterministic fault injection so retry and timeout paths get tested.
 */

import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { digest } from './hash';
import type { LatencySpec } from './latency';
import { sleep } from './latency';
import { PROFILES, profileFor } from './profiles';
import { FaultPlan, type FaultRates } from './server-faults';
import { controlChoices } from './server-output';
import { HttpError, toChatRequest } from './server-request';
import { writeStream } from './server-stream';
import { simComplete } from './sim-model';

export type { FaultRates } from './server-faults';
export { toChatRequest } from './server-request';

export interface SimServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  faults?: FaultRates;
  seed?: number;
  dataDir?: string;
  /** Latency per model id (`sim:task` …), zero by default. */
  latency?: Partial<Record<string, LatencySpec>>;
  /** Retry-After of injected 429s, in seconds (also sent as `retry-after-ms`). */
  retryAfterSeconds?: number;
  /** One line per request (never includes headers or credentials). */
  log?: (line: string) => void;
}

export interface SimServer {
  /** Base URL for an OpenAI client, e.g. `http://127.0.0.1:8787/v1`. */
  readonly url: string;
  readonly port: number;
  readonly stats: {
    requests: number;
    faults: Record<string, number>;
    /**
     * Each answered completion's time in the server, from its handler starting to the response's last
     * byte handed to the socket, in microseconds: the configured latency plus what the server added.
     * `reset()` it to measure a period.
     */
    serviceMicros: RecordableHistogram;
  };
  close(): Promise<void>;
}

/** Far above any prompt of the project; a larger body is refused instead of held in memory. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      // Keep draining (so the 413 can be sent) but stop holding the bytes.
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES)
        reject(new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`, 'request_too_large'));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function errorBody(message: string, type: string, code: string, param: string | null = null) {
  return { error: { message, type, code, param } };
}

export async function startSimServer(options: SimServerOptions = {}): Promise<SimServer> {
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? 0;
  const plan = new FaultPlan(options.faults ?? {}, seed);
  const retryAfter = options.retryAfterSeconds ?? 1;
  const stats = { requests: 0, faults: {} as Record<string, number>, serviceMicros: createHistogram() };
  const sockets = new Set<Socket>();
  /** Aborts the simulated latency of requests in flight when the server closes. */
  const closing = new AbortController();
  // Every request in flight waits on this one signal: hundreds at once are expected, not a leak.
  setMaxListeners(0, closing.signal);
  const log = options.log ?? (() => {});

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // The simulated latency runs from the request's arrival: reading, parsing and computing the answer
    // happen inside it, not before it, so a busy server adds no latency until its CPU is saturated.
    const arrived = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '');
    if (req.method === 'GET' && path === '/v1/models') {
      const data = Object.values(PROFILES).map((p) => ({
        id: p.id,
        object: 'model',
        created: 0,
        owned_by: 'llm-autodiff-sim',
      }));
      sendJson(res, 200, { object: 'list', data });
      return;
    }
    if (path !== '/v1/chat/completions')
      throw new HttpError(404, `unknown route ${req.method} ${path}`, 'not_found');
    if (req.method !== 'POST')
      throw new HttpError(405, 'use POST for /v1/chat/completions', 'method_not_allowed');
    stats.requests++;
    const raw = await readBody(req);
    // A chat completion's body is JSON (as for OpenAI): one sent as text/plain, or untyped, is refused.
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (type !== 'application/json')
      throw new HttpError(
        415,
        `content-type must be application/json, got ${type === '' ? 'none' : JSON.stringify(type)}`,
        'unsupported_media_type',
      );
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new HttpError(400, 'body is not valid JSON', 'invalid_json');
    }
    const { model, request, controls } = toChatRequest(body);
    let profileId: string;
    try {
      profileId = profileFor(model).id;
    } catch (e) {
      throw new HttpError(404, messageOf(e), 'model_not_found');
    }
    const bodyKey = digest(raw);
    const fault = plan.next(bodyKey);
    if (fault !== 'none') stats.faults[fault] = (stats.faults[fault] ?? 0) + 1;
    log(`${profileId} fault=${fault}`);
    if (fault === '429') {
      sendJson(
        res,
        429,
        errorBody('Rate limit reached (simulated).', 'rate_limit_error', 'rate_limit_exceeded'),
        {
          'retry-after': String(Math.ceil(retryAfter)),
          'retry-after-ms': String(Math.round(retryAfter * 1000)),
        },
      );
      return;
    }
    if (fault === '500') {
      sendJson(res, 500, errorBody('The server had an error (simulated).', 'server_error', 'internal_error'));
      return;
    }
    if (fault === 'timeout') return; // never answer; the socket is destroyed on close
    const c = simComplete(profileId, request, {
      seed,
      dataDir: options.dataDir,
      latency: options.latency?.[profileId],
    });
    log(`${profileId} latency=${c.latencyMs}ms id=chatcmpl-sim-${bodyKey}`);
    res.once('finish', () =>
      stats.serviceMicros.record(Math.max(1, Math.round((performance.now() - arrived) * 1000))),
    );
    await sleep(Math.max(0, c.latencyMs - (performance.now() - arrived)), closing.signal);
    // Usage counts what is returned: a cut or reformatted answer has its own token count.
    const { outputs, completionTokens } = controlChoices(c.choices, c.completionTokens, controls);
    const usage = {
      prompt_tokens: c.promptTokens,
      completion_tokens: completionTokens,
      total_tokens: c.promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0 },
    };
    const id = `chatcmpl-sim-${bodyKey}`;
    const created = Math.floor(Date.now() / 1000);
    if (controls.stream && fault !== 'nonJson') {
      const cutAt = fault === 'truncated' ? 0.5 : undefined;
      writeStream(res, {
        id,
        model: profileId,
        created,
        choices: outputs,
        usage,
        includeUsage: controls.includeUsage,
        cutAt,
      });
      return;
    }
    const completion = {
      id,
      object: 'chat.completion',
      created,
      model: profileId,
      choices: outputs.map((o, index) => ({
        index,
        message: { role: 'assistant', content: o.text, refusal: null },
        logprobs: null,
        finish_reason: o.finishReason,
      })),
      usage,
    };
    if (fault === 'nonJson') {
      const html = '<html><body><h1>502 Bad Gateway</h1></body></html>';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(html) });
      res.end(html);
      return;
    }
    if (fault === 'truncated') {
      const text = JSON.stringify(completion);
      const cut = text.slice(0, Math.floor(text.length / 2));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(cut) });
      res.end(cut);
      return;
    }
    sendJson(res, 200, completion);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent || closing.signal.aborted) return;
      if (e instanceof HttpError)
        sendJson(res, e.status, errorBody(e.message, 'invalid_request_error', e.code, e.param));
      else
        sendJson(
          res,
          500,
          // The message only (never a stack trace): the sim's own errors are written for users.
          errorBody(`sim server error: ${messageOf(e)}`, 'server_error', 'internal_error'),
        );
    });
  });
  // Clients keep connections for the next call; a 5 s idle close (the default) races their reuse.
  server.keepAliveTimeout = 60_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  return {
    url: `http://${host}:${port}/v1`,
    port,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
