/**
 * Evaluation throughput on the user's path: the TREC pipeline evaluated through the trainer's `evaluate`
 * with a response cache (a fresh file, read-write) and a usage ledger, every call over HTTP through a
 * `ModelPool` (the `openai` client) to the simulated server in its own process, which answers after a
 * fixed 200 ms. At concurrency C the ideal is C ÷ 0.2 s calls per second; the figures are the share of
 * it reached (target ≥ 90% at 16, ≥ 80% at 64, ≥ 50% at 256), the client's CPU time per call (target
 * ≤ 1 ms; process.cpuUsage, so it holds on a busy machine better than the wall-clock) and, at the
 * highest concurrency, the observed latency's p99 against the configured one (target ≤ 1.25×).
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Program } from '@llm-autodiff/core';
import { type ChatModel, createModel, ModelPool, ResponseCache, UsageLedger } from '@llm-autodiff/llm';
import { createPipeline, loadTask } from '@llm-autodiff/tasks';
import { evaluate } from '@llm-autodiff/trainer';
import { type BenchScale, FigureSet, FULL, fmt } from './lib/figures';
import { scratchDir } from './lib/sim-run';
import { startSimServerProcess } from './lib/sim-server-process';

const SUITE = 'evaluation throughput';
const SHARE_TARGETS: Record<number, number> = { 16: 90, 64: 80, 256: 50 };

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/** Records each call's latency as the client saw it (below the cache, so only network calls). */
function timed(inner: ChatModel, latencies: number[]): ChatModel {
  return {
    id: inner.id,
    complete: async (request, context) => {
      const t0 = performance.now();
      const response = await inner.complete(request, context);
      latencies.push(performance.now() - t0);
      return response;
    },
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
    for (const c of concurrencies) {
      const latencies: number[] = [];
      const ledger = new UsageLedger({ labels: { experiment: 'bench-throughput' } });
      const cache = new ResponseCache({ path: join(scratch.dir, `cache-${c}.sqlite`) });
      const pool = new ModelPool({
        ledger,
        cache,
        concurrency: c,
        create: (spec, options) => timed(createModel(spec, options), latencies),
      });
      const spec = `openai:sim:task@${server.url}`;
      const program = createPipeline('trec', { model: pool.forRole('task', spec) }) as Program<unknown>;
      // Whole waves of C calls, so the ideal time is (calls ÷ C) × latency.
      const waves = Math.max(1, Math.floor((scale.smoke ? 2 * c : examples.length) / c));
      const measured = examples.slice(0, waves * c);
      // One untimed wave opens the connections, as a run's first calls would (its own requests).
      const model = pool.model(spec);
      await Promise.all(
        Array.from({ length: c }, (_, i) =>
          model.complete({ messages: [{ role: 'user', content: `warm-up ${c}-${i}` }] }),
        ),
      );
      latencies.length = 0;
      const server0 = await server.sync();
      const client0 = process.cpuUsage();
      const t0 = performance.now();
      const evaluation = await evaluate(program, measured, { concurrency: c });
      const seconds = (performance.now() - t0) / 1000;
      const client = process.cpuUsage(client0);
      const calls = latencies.length;
      const serverMs = ((await server.sync()).cpuMs - server0.cpuMs) / calls;
      const clientMs = (client.user + client.system) / 1000 / calls;
      cache.close();
      if (calls !== measured.length)
        throw new Error(`expected one network call per example, saw ${calls} for ${measured.length}`);
      const ideal = c / (latencyMs / 1000);
      const cores = (ideal * (clientMs + serverMs)) / 1000;
      const sorted = [...latencies].sort((a, b) => a - b);
      const share = (100 * calls) / seconds / ideal;
      figures.add({
        suite: SUITE,
        name: `concurrency ${c}: share of ${fmt(ideal)} calls/s`,
        value: share,
        unit: '%',
        target: SHARE_TARGETS[c] ? { kind: 'min', value: SHARE_TARGETS[c] } : undefined,
        note: `${fmt(calls / seconds)} calls/s, ${calls} calls in ${waves} waves (accuracy ${fmt(evaluation.score)}); the ideal rate needs ${fmt(cores)} cores of client + server CPU (load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length})`,
      });
      figures.add({
        suite: SUITE,
        name: `concurrency ${c}: client CPU per call`,
        value: clientMs,
        unit: 'ms',
        target: { kind: 'max', value: 1 },
        note: `program, cache (read-write), ledger, pool, openai client; server ${fmt(serverMs)} ms per call`,
      });
      figures.add({
        suite: SUITE,
        name: `concurrency ${c}: observed latency p99 ÷ configured`,
        value: quantile(sorted, 0.99) / latencyMs,
        unit: '×',
        target: c === Math.max(...concurrencies) ? { kind: 'max', value: 1.25 } : undefined,
        note: `p50 ${fmt(quantile(sorted, 0.5))} ms, p99 ${fmt(quantile(sorted, 0.99))} ms, max ${fmt(sorted.at(-1) ?? Number.NaN)} ms for ${latencyMs} ms configured (client + server time; an upper bound on the server's)`,
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
