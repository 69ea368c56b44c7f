/**
 * A `fetch` for the `openai` client over `node:http(s)` with one keep-alive agent per endpoint (origin).
 * The global fetch (undici, web streams, a WebAssembly HTTP parser) is heavier: with this agent and the
 * response cache's batched writes together, a call's whole client CPU in
 * `benchmarks/eval-throughput.bench.ts` fell from 2.58/2.14/1.81 to 1.75/1.43/1.18 ms at 16/64/256 calls
 * in flight (one run on a busy machine; the two changes were not measured apart). The agent keeps as many
 * sockets as there are requests in flight (the managed model's concurrency limit bounds them), so hundreds
 * of calls in flight never queue behind a socket cap.
 *
 * Only what the client uses is implemented: method, headers, a string or byte body, an abort signal;
 * the answer is a small Response-like object (status, headers, `text()`, `json()`).
 */
import http from 'node:http';
import https from 'node:https';

const agents = new Map<string, http.Agent>();

/** The keep-alive agent of `url`'s origin (one per process, shared by every model on that endpoint). */
export function keepAliveAgent(url: URL): http.Agent {
  const origin = url.origin;
  let agent = agents.get(origin);
  if (!agent) {
    const options: http.AgentOptions = {
      keepAlive: true,
      maxSockets: Number.POSITIVE_INFINITY,
      maxFreeSockets: 1024,
    };
    agent = url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
    agents.set(origin, agent);
  }
  return agent;
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const e = new Error('This operation was aborted');
  e.name = 'AbortError';
  return e;
}

function requestHeaders(headers: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  if (headers instanceof Headers) {
    headers.forEach((value, name) => {
      out[name] = value;
    });
  } else if (Array.isArray(headers)) {
    for (const pair of headers) if (pair[0] !== undefined) out[pair[0].toLowerCase()] = String(pair[1]);
  } else {
    for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = String(value);
  }
  return out;
}

function responseHeaders(res: http.IncomingMessage): Headers {
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  return headers;
}

/**
 * What the openai client and the provider read of a response: status and headers as soon as they
 * arrive; the body as one buffer, so a connection lost mid-body fails `text()` (as with fetch), after
 * the status was seen (a 2xx whose body was lost was most likely billed).
 */
class BufferedResponse {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type = 'basic';
  readonly bodyUsed = false;
  /** No stream to cancel: the body is read into `bytes`. */
  readonly body = null;
  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    readonly headers: Headers,
    private readonly bytes: Promise<Buffer>,
  ) {
    this.ok = status >= 200 && status < 300;
  }
  async text(): Promise<string> {
    return (await this.bytes).toString('utf8');
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    return new Uint8Array(await this.bytes).buffer;
  }
}

function readAll(res: http.IncomingMessage, done: () => void): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('error', (e) => {
      done();
      reject(e);
    });
    res.on('aborted', () => {
      done();
      reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    });
    res.on('end', () => {
      done();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
  });
}

export const keepAliveFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const body = init.body;
  if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array))
    return Promise.reject(new TypeError('keepAliveFetch: only string or byte bodies are supported'));
  const headers = requestHeaders(init.headers);
  if (body !== undefined && body !== null) headers['content-length'] = String(Buffer.byteLength(body));
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<Response>((resolve, reject) => {
    const req = transport.request(url, { method: init.method ?? 'GET', headers, agent: keepAliveAgent(url) });
    const onAbort = () => req.destroy(abortError(signal as AbortSignal));
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    req.on('error', (e) => {
      done();
      reject(e);
    });
    req.on('response', (res) => {
      const bytes = readAll(res, done);
      // Read by text(); a body lost before anyone asks must not be an unhandled rejection.
      bytes.catch(() => {});
      const response = new BufferedResponse(
        url.href,
        res.statusCode ?? 0,
        res.statusMessage ?? '',
        responseHeaders(res),
        bytes,
      );
      resolve(response as unknown as Response);
    });
    req.end(body ?? undefined);
  });
};
