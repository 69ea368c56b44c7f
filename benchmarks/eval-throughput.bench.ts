/**
 * Evaluation throughput on the user's path: the TREC pipeline evaluated through the trainer's `evaluate`
 * with a response cache (a fresh file, read-write) and a usage ledger, every call over HTTP through a
 * `ModelPool` (the `openai` client) to the simulated server in its own process, which answers after a
 * fixed 200 ms. At concurrency C the ideal is C ÷ 0.2 s calls per second. Figures and targets:
 * - the share of the ideal rate reached (≥ 90% at 16, ≥ 80% at 64, ≥ 50% at 256);
 * - the client's CPU time per call (≤ 1 ms; process.cpuUsage, so it holds on a busy machine better than
 *   the wall-clock), in the steady state: the process first evaluates other examples once, and that first
 *   evaluation's figure (JIT compilation included) is printed apart. Beside it, the same requests layer
 *   by layer: a bare `node:http` POST (the floor the machine's loopback TCP and HTTP set), the `openai`
 *   client, the pool's model, so a miss names the layer it comes from; and the program, pool, cache and
 *   ledger without HTTP, their answers on a timer after the configured latency and at once: what waking
 *   after each idle wait costs the same code;
 * - the server's time per completion, from its handler's start to the last byte (p99 ≤ 1.25× the
 *   configured latency at the highest concurrency), with its event-loop delay beside it: a request that
 *   arrives while the loop is busy waits before its handler starts, which only the client's figure sees;
 * - the latency the client observed (no target: it adds the client's own queueing, C responses handled
 *   one after another on one thread).
 */
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Program } from '@llm-autodiff/core';
import {
  type ChatModel,
  type ChatRequest,
  type ChatResponse,
  createModel,
  ModelPool,
  mapLimit,
  ResponseCache,
  UsageLedger,
} from '@llm-autodiff/llm';
import { createPipeline, loadTask } from '@llm-autodiff/tasks';
import { evaluate } from '@llm-autodiff/trainer';
import { type BenchScale, FigureSet, FULL, fmt } from './lib/figures';
import { measure } from './lib/measure';
import { scratchDir } from './lib/sim-run';
import { type SimServerProcess, type SimServerSync, startSimServerProcess } from './lib/sim-server-process';

const SUITE = 'evaluation throughput';
const SHARE_TARGETS: Record<number, number> = { 16: 90, 64: 80, 256: 50 };

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/** Records each call's latency as the client saw it, its request and its response (below the cache: network calls only). */
function observed(
  inner: ChatModel,
  latencies: number[],
  requests: ChatRequest[],
  responses: ChatResponse[],
): ChatModel {
  return {
    id: inner.id,
    complete: async (request, context) => {
      requests.push(request);
      const t0 = performance.now();
      const response = await inner.complete(request, context);
      latencies.push(performance.now() - t0);
      responses.push(response);
      return response;
    },
  };
}

/**
 * Client CPU per call of the program, pool, cache and ledger without HTTP: a model double that replays
 * recorded responses after `delayMs` on a timer. With the configured latency and with none, the
 * difference is what waking up after each idle wait costs the same code on this machine, which weighs
 * most at low concurrency.
 */
async function withoutHttpCpuMs(
  examples: readonly unknown[],
  responses: readonly ChatResponse[],
  concurrency: number,
  delayMs: number,
  cachePath: string,
): Promise<number> {
  let next = 0;
  const replay: ChatModel = {
    id: 'bench:replay',
    complete: async () => {
      const response = responses[next++ % responses.length] as ChatResponse;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      return response;
    },
  };
  const cache = new ResponseCache({ path: cachePath });
  const pool = new ModelPool({ ledger: new UsageLedger({}), cache, concurrency, create: () => replay });
  const program = createPipeline('trec', {
    model: pool.forRole('task', 'openai:sim:task@http://127.0.0.1:9/v1'),
  }) as Program<unknown>;
  const cost = await measure(() => evaluate(program, examples as never[], { concurrency }));
  cache.close();
  return cost.cpuUs / 1000 / examples.length;
}

/**
 * Client CPU per call of `send` over `count` calls, `concurrency` in flight, each next call sent as one
 * returns: the evaluation's own schedule (`mapLimit`), so each answer wakes the process on its own. (In
 * waves of `concurrency`, answers handled together, the pool's calls cost 0.59–0.67 ms at 16 against
 * 0.81–1.01 ms this way: three rounds of 160 calls.)
 */
async function cpuPerCall(
  count: number,
  concurrency: number,
  send: (i: number) => Promise<unknown>,
): Promise<number> {
  const indices = Array.from({ length: count }, (_, i) => i);
  const cost = await measure(() => mapLimit(indices, concurrency, send));
  return cost.cpuUs / 1000 / count;
}

/** A bare `node:http` POST of a JSON body on a keep-alive agent, the response read and parsed. */
function bareHttpPost(agent: http.Agent, target: URL, body: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const req = http.request(target, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        JSON.parse(Buffer.concat(chunks).toString('utf8'));
        resolve();
      });
    });
    req.end(body);
  });
}

/**
 * Where the client's CPU per call goes, layer by layer, for the evaluation's own requests at the same
 * concurrency (each pass a fresh marker, so no layer answers from a cache): a bare `node:http` POST
 * (the machine's loopback TCP and HTTP, the floor), the `openai` client as the provider builds it, and
 * the pool's model (retries, cache read-write, ledger) on top.
 */
async function clientLayers(
  url: string,
  requests: readonly ChatRequest[],
  concurrency: number,
  cachePath: string,
): Promise<{ bare: number; openai: number; pool: number }> {
  const spec = `openai:sim:task@${url}`;
  const marked = (r: ChatRequest, marker: string): ChatRequest => ({
    ...r,
    messages: [...r.messages, { role: 'user', content: marker }],
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const target = new URL(`${url}/chat/completions`);
  const body = (r: ChatRequest, marker: string) =>
    JSON.stringify({ model: 'sim:task', messages: marked(r, marker).messages });
  // Its connections opened untimed first, as the other layers' already are.
  await Promise.all(requests.slice(0, concurrency).map((r) => bareHttpPost(agent, target, body(r, 'open'))));
  const bare = await cpuPerCall(requests.length, concurrency, (i) =>
    bareHttpPost(agent, target, body(requests[i] as ChatRequest, 'bare')),
  );
  agent.destroy();
  const raw = createModel(spec, {});
  const openai = await cpuPerCall(requests.length, concurrency, (i) =>
    raw.complete(marked(requests[i] as ChatRequest, 'openai')),
  );
  const cache = new ResponseCache({ path: cachePath });
  const pooled = new ModelPool({ ledger: new UsageLedger({}), cache, concurrency }).model(spec);
  const pool = await cpuPerCall(requests.length, concurrency, (i) =>
    pooled.complete(marked(requests[i] as ChatRequest, 'pool'), { role: 'task' }),
  );
  cache.close();
  return { bare, openai, pool };
}

interface Measured {
  calls: number;
  seconds: number;
  clientMs: number;
  serverMs: number;
  score: number;
  latencies: number[];
  requests: ChatRequest[];
  responses: ChatResponse[];
  server: SimServerSync;
}

/** One evaluation of `examples` at concurrency `c` with its own pool, fresh cache and ledger. */
async function evaluateOnce(
  server: SimServerProcess,
  cachePath: string,
  examples: readonly unknown[],
  c: number,
): Promise<Measured> {
  const latencies: number[] = [];
  const requests: ChatRequest[] = [];
  const responses: ChatResponse[] = [];
  const ledger = new UsageLedger({ labels: { experiment: 'bench-throughput' } });
  const cache = new ResponseCache({ path: cachePath });
  const pool = new ModelPool({
    ledger,
    cache,
    concurrency: c,
    create: (spec, options) => observed(createModel(spec, options), latencies, requests, responses),
  });
  const spec = `openai:sim:task@${server.url}`;
  const program = createPipeline('trec', { model: pool.forRole('task', spec) }) as Program<unknown>;
  // One untimed wave opens the connections, as a run's first calls would (its own requests).
  const model = pool.model(spec);
  await Promise.all(
    Array.from({ length: c }, (_, i) =>
      model.complete({ messages: [{ role: 'user', content: `warm-up ${cachePath} ${i}` }] }),
    ),
  );
  latencies.length = 0;
  requests.length = 0;
  responses.length = 0;
  const server0 = await server.sync();
  let score = Number.NaN;
  // No forced collection before a measured pass: a full GC there made the calls after it cost more
  // (client CPU per call at 256: 0.89–0.90 ms without, 1.17–1.23 with, two runs each).
  const cost = await measure(async () => {
    score = (await evaluate(program, examples as never[], { concurrency: c })).score;
  });
  const server1 = await server.sync();
  cache.close();
  const calls = latencies.length;
  if (calls !== examples.length)
    throw new Error(`expected one network call per example, saw ${calls} for ${examples.length}`);
  return {
    calls,
    seconds: cost.wallMs / 1000,
    clientMs: cost.cpuUs / 1000 / calls,
    serverMs: (server1.cpuMs - server0.cpuMs) / calls,
    score,
    latencies,
    requests,
    responses,
    server: server1,
  };
}

export async function runEvalThroughput(
  figures = new FigureSet(),
  scale: BenchScale = FULL,
): Promise<FigureSet> {
  const latencyMs = scale.smoke ? 20 : 200;
  const concurrencies = scale.smoke ? [8] : [16, 64, 256];
  const splits = await loadTask('trec');
  const examples = [...splits.train, ...splits.val, ...splits.test];
  const server = await startSimServerProcess({
    latency: { 'sim:task': { baseMs: latencyMs, perOutputTokenMs: 0, jitter: 0 } },
  });
  const scratch = scratchDir('bench-throughput-');
  try {
    // The first evaluation of the process compiles the code on its path: measured once, apart.
    const warmC = concurrencies[0] as number;
    const warmExamples = examples.slice(-(scale.smoke ? 2 * warmC : 20 * warmC));
    const warm = await evaluateOnce(server, join(scratch.dir, 'warm-up.sqlite'), warmExamples, warmC);
    figures.add({
      suite: SUITE,
      name: `first evaluation of the process: client CPU per call`,
      value: warm.clientMs,
      unit: 'ms',
      note: `${warm.calls} calls at concurrency ${warmC}, JIT compilation included (a one-time cost, spread over these calls); the figures below are measured after it`,
    });
    for (const c of concurrencies) {
      // Whole waves of C calls, so the ideal time is (calls ÷ C) × latency.
      const waves = Math.max(1, Math.floor((scale.smoke ? 2 * c : examples.length) / c));
      const m = await evaluateOnce(
        server,
        join(scratch.dir, `cache-${c}.sqlite`),
        examples.slice(0, waves * c),
        c,
      );
      const sample = m.requests.slice(0, Math.max(c, Math.min(m.calls, 10 * c)));
      const layers = await clientLayers(server.url, sample, c, join(scratch.dir, `layers-${c}.sqlite`));
      await server.sync(); // the layers' calls are not the evaluation's
      const sameExamples = examples.slice(0, sample.length);
      const idle = {
        afterLatency: await withoutHttpCpuMs(
          sameExamples,
          m.responses,
          c,
          latencyMs,
          join(scratch.dir, `idle-${c}.sqlite`),
        ),
        atOnce: await withoutHttpCpuMs(
          sameExamples,
          m.responses,
          c,
          0,
          join(scratch.dir, `busy-${c}.sqlite`),
        ),
      };
      const ideal = c / (latencyMs / 1000);
      const cores = (ideal * (m.clientMs + m.serverMs)) / 1000;
      const sorted = [...m.latencies].sort((a, b) => a - b);
      const share = (100 * m.calls) / m.seconds / ideal;
      const top = c === Math.max(...concurrencies);
      figures.add({
        suite: SUITE,
        name: `concurrency ${c}: share of ${fmt(ideal)} calls/s`,
        value: share,
        unit: '%',
        target: SHARE_TARGETS[c] ? { kind: 'min', value: SHARE_TARGETS[c] } : undefined,
        note: `${fmt(m.calls / m.seconds)} calls/s, ${m.calls} calls in ${waves} waves (accuracy ${fmt(m.score)}); the ideal rate needs ${fmt(cores)} cores of client + server CPU (load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length})`,
      });
      figures.add({
        suite: SUITE,
        name: `concurrency ${c}: client CPU per call`,
        value: m.clientMs,
        unit: 'ms',
        target: { kind: 'max', value: 1 },
        note: `program, pool, cache (read-write), ledger, openai client. Layer by layer, ${sample.length} of the same requests at the same concurrency: a bare node:http POST ${fmt(layers.bare)} ms (loopback TCP and HTTP: the floor), the openai client ${fmt(layers.openai)} ms, the pool's model (retries, cache, ledger) ${fmt(layers.pool)} ms, the program around it (this figure) ${fmt(m.clientMs)} ms. The program, pool, cache and ledger without HTTP (recorded answers on a timer): ${fmt(idle.afterLatency)} ms after ${latencyMs} ms waits, ${fmt(idle.atOnce)} ms answered at once (waking after each wait costs the same code ${fmt(idle.afterLatency / idle.atOnce)}×). Server ${fmt(m.serverMs)} ms per call`,
      });
      figures.add({
        suite: SUITE,
        name: `concurrency ${c}: sim server time p99 ÷ configured`,
        value: m.server.serviceMs.p99 / latencyMs,
        unit: '×',
        target: top ? { kind: 'max', value: 1.25 } : undefined,
        note: `handler start to last byte sent, ${m.server.serviceMs.count} completions: p50 ${fmt(m.server.serviceMs.p50)} ms, p99 ${fmt(m.server.serviceMs.p99)} ms, max ${fmt(m.server.serviceMs.max)} ms for ${latencyMs} ms configured. From the handler's start: a request that arrives while the server sends a wave waits for its event loop first, outside this figure (the loop's delay p99 ${fmt(m.server.loopDelayP99Ms)} ms; the latency the client observed includes it)`,
      });
      figures.add({
        suite: SUITE,
        name: `concurrency ${c}: latency the client observed, p99 ÷ configured`,
        value: quantile(sorted, 0.99) / latencyMs,
        unit: '×',
        note: `p50 ${fmt(quantile(sorted, 0.5))} ms, p99 ${fmt(quantile(sorted, 0.99))} ms, max ${fmt(sorted.at(-1) ?? Number.NaN)} ms: the server's time plus the client's queueing, ${c} responses handled in turn on one thread at ${fmt(m.clientMs)} ms of CPU each (up to ${fmt(c * m.clientMs)} ms a wave)`,
      });
    }
  } finally {
    scratch.done();
    await server.close();
  }
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runEvalThroughput(new FigureSet(), { smoke: process.argv.includes('--smoke') });
}
