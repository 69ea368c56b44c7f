/**
 * Evaluation throughput over HTTP: the simulated server (its own process, so its computing does not
 * share the client's event loop) answers every call after a fixed 0.5 s, and the client (the real
 * `openai` package behind a pooled managed model) keeps C calls in flight. The ideal is C ÷ 0.5 s calls
 * per second; the figure is the share of it reached. Target: at least 90%. Loopback only, bounded calls.
 */
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { ModelPool } from '@llm-autodiff/llm';
import { FigureSet, fmt } from './lib/figures';
import { startSimServerProcess } from './lib/sim-server-process';

const SUITE = 'evaluation throughput';
const LATENCY_MS = 500;
/** Waves of C calls per concurrency: enough to amortise connection setup, bounded in count and time. */
const WAVES = 4;

export async function runEvalThroughput(
  figures = new FigureSet(),
  concurrencies: readonly number[] = [16, 64, 256],
): Promise<FigureSet> {
  const server = await startSimServerProcess({
    latency: { 'sim:task': { baseMs: LATENCY_MS, perOutputTokenMs: 0, jitter: 0 } },
  });
  try {
    for (const c of concurrencies) {
      const pool = new ModelPool({ concurrency: c, controls: { maxRetries: 0 } });
      const model = pool.model(`openai:sim:task@${server.url}`);
      const calls = WAVES * c;
      const ask = (i: number) =>
        model.complete({ messages: [{ role: 'user', content: `How many items are in list ${c}-${i}?` }] });
      // One untimed wave opens the connections, as a run's first calls would.
      await Promise.all(Array.from({ length: c }, (_, i) => ask(-1 - i)));
      const server0 = await server.sync();
      const client0 = process.cpuUsage();
      const t0 = performance.now();
      await Promise.all(Array.from({ length: calls }, (_, i) => ask(i)));
      const seconds = (performance.now() - t0) / 1000;
      const client = process.cpuUsage(client0);
      const serverMs = ((await server.sync()).cpuMs - server0.cpuMs) / calls;
      const clientMs = (client.user + client.system) / 1000 / calls;
      const ideal = c / (LATENCY_MS / 1000);
      // The ideal rate needs this much CPU (client + server); a shared machine may not give it.
      const cores = (ideal * (clientMs + serverMs)) / 1000;
      figures.add({
        suite: SUITE,
        name: `concurrency ${c}: share of ${ideal} calls/s`,
        value: (100 * calls) / seconds / ideal,
        unit: '%',
        target: { kind: 'min', value: 90 },
        note: `${(calls / seconds).toFixed(1)} calls/s over ${calls} calls; CPU per call: client ${fmt(clientMs)} ms, server ${fmt(serverMs)} ms, so the ideal rate needs ${fmt(cores)} cores (load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length})`,
      });
    }
  } finally {
    await server.close();
  }
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runEvalThroughput();
}
