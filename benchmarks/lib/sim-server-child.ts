/**
 * The simulated server in its own process, so a benchmark's client is measured without the server's
 * computing on the same event loop. Started by `startSimServerProcess`; reads its options from the
 * SIM_SERVER_OPTIONS environment variable (JSON) and reports its URL, and one line per request, over IPC.
 */
import { type SimServerOptions, startSimServer } from '@llm-autodiff/sim';

const send = (message: unknown) => process.send?.(message);
const options = JSON.parse(process.env.SIM_SERVER_OPTIONS ?? '{}') as SimServerOptions;
const server = await startSimServer({ ...options, log: (line) => send({ kind: 'log', line }) });
send({ kind: 'ready', url: server.url });
process.on('message', async (m) => {
  // IPC keeps order: the answer to a ping follows every log line sent before it.
  if (m === 'ping') {
    const cpu = process.cpuUsage();
    send({ kind: 'pong', cpuMs: (cpu.user + cpu.system) / 1000, requests: server.stats.requests });
  }
  if (m === 'close') {
    await server.close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
