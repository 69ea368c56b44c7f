/** `autodiff sim-server`: the simulated LLM world over an OpenAI-compatible HTTP API. */
import { type FaultRates, type LatencySpec, startSimServer } from '@llm-autodiff/sim';
import type { Command } from 'commander';
import { EXIT_CODES } from '../exit-codes';
import type { Io } from '../io';
import { UsageError } from '../usage-error';
import type { CommandContext } from './context';
import { addOptions, integer, number, option, parseFlags, seedOption, text } from './options';

const rate = number({ min: 0, max: 1 }, 'a rate between 0 and 1');
const nonNegative = number({ min: 0 }, 'a non-negative number');

function simServerOptions() {
  return [
    option('--port <n>', 'port to listen on (required; 0 picks a free port)', integer(0, 65535)),
    option('--host <h>', 'interface (default 127.0.0.1)', text()),
    seedOption('seed of the simulated world (default 0)', Number.MIN_SAFE_INTEGER),
    option('--fault-429 <r>', 'rate of 429 responses with Retry-After (0..1)', rate),
    option('--fault-500 <r>', 'rate of 500 responses', rate),
    option('--fault-timeout <r>', 'rate of requests that never get an answer', rate),
    option('--fault-truncated <r>', 'rate of responses whose JSON body is cut off', rate),
    option('--fault-non-json <r>', 'rate of responses whose body is not JSON', rate),
    option('--retry-after <s>', 'Retry-After of injected 429s, seconds (default 1)', nonNegative),
    option('--latency-base-ms <m>', 'simulated latency per call (default 0)', nonNegative),
    option('--latency-per-token-ms <m>', 'simulated latency per output token (default 0)', nonNegative),
    option(
      '--latency-jitter <j>',
      'relative jitter of the latency, e.g. 0.2 (default 0)',
      number({ min: 0, below: 1 }, 'a number in [0, 1)'),
    ),
  ];
}

interface SimServerFlags {
  port?: number;
  host?: string;
  seed?: number;
  fault429?: number;
  fault500?: number;
  faultTimeout?: number;
  faultTruncated?: number;
  faultNonJson?: number;
  retryAfter?: number;
  latencyBaseMs?: number;
  latencyPerTokenMs?: number;
  latencyJitter?: number;
}

export interface SimServerCommand {
  port: number;
  host: string;
  seed: number;
  faults: FaultRates;
  retryAfterSeconds: number;
  latency?: LatencySpec;
}

function simServerCommand(f: SimServerFlags): SimServerCommand {
  if (f.port === undefined) throw new UsageError('sim-server needs --port N');
  const faults: FaultRates = {
    rate429: f.fault429,
    rate500: f.fault500,
    timeout: f.faultTimeout,
    truncated: f.faultTruncated,
    nonJson: f.faultNonJson,
  };
  const total = Object.values(faults).reduce<number>((a, b) => a + (b ?? 0), 0);
  if (total > 1) throw new UsageError(`fault rates add up to ${total.toFixed(3)}, more than 1`);
  const { latencyBaseMs: baseMs, latencyPerTokenMs: perTokenMs, latencyJitter: jitter } = f;
  return {
    port: f.port,
    host: f.host ?? '127.0.0.1',
    seed: f.seed ?? 0,
    faults,
    retryAfterSeconds: f.retryAfter ?? 1,
    latency:
      baseMs !== undefined || perTokenMs !== undefined
        ? { baseMs: baseMs ?? 0, perOutputTokenMs: perTokenMs ?? 0, jitter: jitter ?? 0 }
        : undefined,
  };
}

/** The sim server's flags as the CLI parses them (for callers without the CLI, e.g. tests). */
export function parseSimServerArgs(args: readonly string[]): SimServerCommand {
  return simServerCommand(parseFlags<SimServerFlags>('sim-server', simServerOptions(), args));
}

async function simServer(cmd: SimServerCommand, io: Io, stop: Promise<void>): Promise<number> {
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
  return EXIT_CODES.done;
}

function signalStop(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

export function define(command: Command, cx: CommandContext): void {
  addOptions(command, simServerOptions())
    .description(
      'Serve the simulated LLM world over an OpenAI-compatible HTTP API (/v1/chat/completions, /v1/models),\n' +
        'on 127.0.0.1 by default, until SIGINT/SIGTERM.',
    )
    .action(async (flags: SimServerFlags) => {
      cx.exitCode = await simServer(simServerCommand(flags), cx.io, cx.stop ?? signalStop());
    });
}
