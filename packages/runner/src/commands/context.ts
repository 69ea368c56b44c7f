/** What every command registration gets: where to print, how to stop long-running commands, the exit code. */
import { type Command, InvalidArgumentError } from 'commander';
import type { Io } from '../io';

export interface CommandContext {
  io: Io;
  /** Ends long-running commands (sim-server); default SIGINT/SIGTERM. */
  stop?: Promise<void>;
  /** Set by the command's action; `main` returns it. */
  exitCode: number;
}

/** Option parser: a non-negative number (dollars, ratios). */
export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError(`expected a number >= 0, got "${value}"`);
  return n;
}

/** Option parser: an integer >= 1. */
export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError(`expected an integer >= 1, got "${value}"`);
  return Number(value);
}

/**
 * A command whose flags go to its own parser (`train`, `sim-server`): commander dispatches and lists it;
 * `-h`/`--help` prints the command's usage text.
 */
export function passThroughCommand(
  program: Command,
  cx: CommandContext,
  spec: { name: string; summary: string; usage: string; run: (flags: string[]) => Promise<number> },
): void {
  program
    .command(spec.name)
    .summary(spec.summary)
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[flags...]')
    .action(async (flags: string[]) => {
      if (flags.includes('-h') || flags.includes('--help')) {
        cx.io.out(spec.usage);
        cx.exitCode = 0;
        return;
      }
      cx.exitCode = await spec.run(flags);
    });
}
