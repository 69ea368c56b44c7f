/** `autodiff sim-server`: the simulated LLM world over an OpenAI-compatible HTTP API. */
import { type FaultRates, type LatencySpec, startSimServer } from '@llm-autodiff/sim';
import type { Command } from 'commander';
import { parseFlags } from '../flags';
import type { Io } from '../io';
import { UsageError } from '../usage-error';
import { type CommandContext, passThroughCommand } from './context';

export const SIM_SERVER_USAGE = `Usage: autodiff sim-server --port N [flags]

Serve the simulated LLM world over an OpenAI-compatible HTTP API (/v1/chat/completions, /v1/models),
on 127.0.0.1 by default, until SIGINT/SIGTERM.

  --port N                  port to listen on (required; 0 picks a free port)
  --host H                  interface (default 127.0.0.1)
  --seed N                  seed of the simulated world (default 0)
  --fault-429 R             rate of 429 responses with Retry-After (0..1)
  --fault-500 R             rate of 500 responses
  --fault-timeout R         rate of requests that never get an answer
  --fault-truncated R       rate of responses whose JSON body is cut off
  --fault-non-json R        rate of responses whose body is not JSON
  --retry-after S           Retry-After of injected 429s, seconds (default 1)
  --latency-base-ms M       simulated latency per call (default 0)
  --latency-per-token-ms M  simulated latency per output token (default 0)
  --latency-jitter J        relative jitter of the latency, e.g. 0.2 (default 0)
  -h, --help                show this help`;

const SIM_FLAGS = {
  '--port': 'port',
  '--host': 'host',
  '--seed': 'seed',
  '--fault-429': 'rate429',
  '--fault-500': 'rate500',
  '--fault-timeout': 'timeout',
  '--fault-truncated': 'truncated',
  '--fault-non-json': 'nonJson',
  '--retry-after': 'retryAfter',
  '--latency-base-ms': 'baseMs',
  '--latency-per-token-ms': 'perTokenMs',
  '--latency-jitter': 'jitter',
} as const;
type SimFlag = (typeof SIM_FLAGS)[keyof typeof SIM_FLAGS];

function num(
  flags: Map<string, string>,
  key: SimFlag,
  flag: string,
  check: (n: number) => boolean,
  what: string,
): number | undefined {
  const raw = flags.get(key);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || !check(n))
    throw new UsageError(`${flag} must be ${what}, got ${JSON.stringify(raw)}`);
  return n;
}

export interface SimServerCommand {
  port: number;
  host: string;
  seed: number;
  faults: FaultRates;
  retryAfterSeconds: number;
  latency?: LatencySpec;
}

export function parseSimServerArgs(args: readonly string[]): SimServerCommand {
  const f = parseFlags(args, SIM_FLAGS);
  const rate = (key: SimFlag, flag: string) =>
    num(f, key, flag, (n) => n >= 0 && n <= 1, 'a rate between 0 and 1');
  const nonNeg = (key: SimFlag, flag: string) => num(f, key, flag, (n) => n >= 0, 'a non-negative number');
  const port = num(
    f,
    'port',
    '--port',
    (n) => Number.isInteger(n) && n >= 0 && n <= 65535,
    'an integer port (0..65535)',
  );
  if (port === undefined) throw new UsageError('sim-server needs --port N');
  const baseMs = nonNeg('baseMs', '--latency-base-ms');
  const perTokenMs = nonNeg('perTokenMs', '--latency-per-token-ms');
  const jitter = num(f, 'jitter', '--latency-jitter', (n) => n >= 0 && n < 1, 'a number in [0, 1)');
  const faults: FaultRates = {
    rate429: rate('rate429', '--fault-429'),
    rate500: rate('rate500', '--fault-500'),
    timeout: rate('timeout', '--fault-timeout'),
    truncated: rate('truncated', '--fault-truncated'),
    nonJson: rate('nonJson', '--fault-non-json'),
  };
  const total = Object.values(faults).reduce<number>((a, b) => a + (b ?? 0), 0);
  if (total > 1) throw new UsageError(`fault rates add up to ${total.toFixed(3)}, more than 1`);
  return {
    port,
    host: f.get('host') ?? '127.0.0.1',
    seed: num(f, 'seed', '--seed', Number.isInteger, 'an integer') ?? 0,
    faults,
    retryAfterSeconds: nonNeg('retryAfter', '--retry-after') ?? 1,
    latency:
      baseMs !== undefined || perTokenMs !== undefined
        ? { baseMs: baseMs ?? 0, perOutputTokenMs: perTokenMs ?? 0, jitter: jitter ?? 0 }
        : undefined,
  };
}

async function simServer(args: readonly string[], io: Io, stop: Promise<void>): Promise<number> {
  const cmd = parseSimServerArgs(args);
  const latency = cmd.latency
    ? { 'sim:task': cmd.latency, 'sim:teacher': cmd.latency, 'sim:large': cmd.latency }
    : undefined;
  const server = await startSimServer({
    port: cmd.port,
    host: cmd.host,
    seed: cmd.seed,
    faults: cmd.faults,
    retryAfterSeconds: cmd.retryAfterSeconds,
    latency,
  });
  io.out(`sim server listening on ${server.url} (models: sim:task, sim:teacher, sim:large)`);
  await stop;
  await server.close();
  io.out(`sim server stopped after ${server.stats.requests} request(s)`);
  return 0;
}

function signalStop(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** Flags go to the command's own parser (its messages name the flag and the accepted range). */
export function registerSimServer(program: Command, cx: CommandContext): void {
  passThroughCommand(program, cx, {
    name: 'sim-server',
    summary: 'serve the simulated LLM world over an OpenAI-compatible HTTP API',
    usage: SIM_SERVER_USAGE,
    run: async (flags) => {
      try {
        return await simServer(flags, cx.io, cx.stop ?? signalStop());
      } catch (e) {
        if (e instanceof UsageError) throw new UsageError(e.message, SIM_SERVER_USAGE);
        throw e;
      }
    },
  });
}
