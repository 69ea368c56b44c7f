/**
 * Starts the simulated OpenAI-compatible server in a child process on the loopback address and returns
 * its URL. The server's request log comes back over IPC (lines such as `sim:task latency=412ms
 * id=chatcmpl-sim-…`), so a benchmark can read each call's simulated latency without sharing a process.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LatencySpec } from '@llm-autodiff/sim';

export interface SimServerProcessOptions {
  latency?: Partial<Record<string, LatencySpec>>;
  seed?: number;
  dataDir?: string;
}

export interface SimServerProcess {
  url: string;
  /** Simulated latency (ms) of every answered request, by response id. */
  latencyById: Map<string, number>;
  /**
   * Resolves once every log line the server sent so far has arrived, with the server process's CPU time
   * so far (ms) and the requests it received, so a figure can tell the server's share of a slow run apart
   * from the client's; and, since the previous sync, its completions' time in the server and its event
   * loop's delay.
   */
  sync(): Promise<SimServerSync>;
  close(): Promise<void>;
}

export interface SimServerSync {
  cpuMs: number;
  requests: number;
  /** Answered completions since the previous sync: from the handler starting to the last byte sent. */
  serviceMs: { count: number; p50: number; p99: number; max: number };
  /** The server's event-loop delay since the previous sync, 99th percentile: time a request waited to be read. */
  loopDelayP99Ms: number;
}

const LATENCY_LINE = /latency=(\d+)ms id=(\S+)/;

export async function startSimServerProcess(
  options: SimServerProcessOptions = {},
): Promise<SimServerProcess> {
  const child = fork(fileURLToPath(new URL('./sim-server-child.ts', import.meta.url)), [], {
    execArgv: ['--conditions=autodiff-source', '--import', 'tsx'],
    env: { ...process.env, SIM_SERVER_OPTIONS: JSON.stringify({ ...options, host: '127.0.0.1', port: 0 }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const latencyById = new Map<string, number>();
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`sim server process exited early (code ${code})`)));
    child.on('message', (m: { kind: string; url?: string; lines?: string[] }) => {
      if (m.kind === 'ready' && m.url) resolve(m.url);
      if (m.kind !== 'log') return;
      for (const line of m.lines ?? []) {
        const match = LATENCY_LINE.exec(line);
        if (match) latencyById.set(match[2] as string, Number(match[1]));
      }
    });
  });
  child.removeAllListeners('exit');
  return {
    url,
    latencyById,
    sync: () =>
      new Promise<SimServerSync>((resolve) => {
        const onMessage = (m: { kind: string } & SimServerSync) => {
          if (m.kind !== 'pong') return;
          child.off('message', onMessage);
          const { kind: _, ...sync } = m;
          resolve(sync);
        };
        child.on('message', onMessage);
        child.send('ping');
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send('close');
      }),
  };
}
