/**
 * The simulated server in its own process, so a benchmark's client is measured without the server's
 * computing on the same event loop. Started by `startSimServerProcess`; reads its options from the
 * SIM_SERVER_OPTIONS environment variable (JSON) and reports its URL, and its request log, over IPC.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type SimServerOptions, startSimServer } from '@llm-autodiff/sim';

const send = (message: unknown) => process.send?.(message);
// The log goes out once per turn of the event loop, not one IPC message per line (two lines a request):
// the server's CPU per request is a figure of the benchmark, and the harness's messages are not the
// server's work. (What it saves was not measured apart.)
let lines: string[] = [];
const flush = () => {
  if (lines.length > 0) send({ kind: 'log', lines });
  lines = [];
};
const log = (line: string) => {
  if (lines.length === 0) setImmediate(flush);
  lines.push(line);
};
const options = JSON.parse(process.env.SIM_SERVER_OPTIONS ?? '{}') as SimServerOptions;
const server = await startSimServer({ ...options, log });
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
send({ kind: 'ready', url: server.url });
process.on('message', async (m) => {
  // IPC keeps order: the answer to a ping follows every log line sent before it.
  if (m === 'ping') {
    flush();
    const cpu = process.cpuUsage();
    const service = server.stats.serviceMicros;
    send({
      kind: 'pong',
      cpuMs: (cpu.user + cpu.system) / 1000,
      requests: server.stats.requests,
      // Since the last ping: each answered completion's time in the server, and the event loop's delay.
      serviceMs: {
        count: service.count,
        p50: service.percentile(50) / 1000,
        p99: service.percentile(99) / 1000,
        max: service.max / 1000,
      },
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    });
    service.reset();
    loopDelay.reset();
  }
  if (m === 'close') {
    await server.close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
