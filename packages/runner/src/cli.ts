/**
 * The `autodiff` command line (commander). Each command registers itself from its own file under
 * commands/; this file builds the program and maps errors to exit codes:
 *   0 done · 1 the work failed (dataset, model, API key, results folder, a run, a regression) ·
 *   2 the command line or the experiment file is wrong.
 */
import { Command, CommanderError } from 'commander';
import { registerAblate } from './commands/ablate';
import { registerCache } from './commands/cache';
import { registerCompare } from './commands/compare';
import type { CommandContext } from './commands/context';
import { registerEval } from './commands/eval';
import { registerReport } from './commands/report';
import { registerRepro } from './commands/repro';
import { registerSimServer } from './commands/sim-server';
import { registerTable } from './commands/table';
import { registerTrain } from './commands/train';
import { type Io, processIo } from './io';
import { UsageError } from './usage-error';

export { parseSimServerArgs } from './commands/sim-server';
export type { Io };
export { UsageError };

/** A mistake in the user's input (file, data, environment): one line, no stack trace. */
const USER_INPUT = new Set(['ExperimentError']);
const USER_ENVIRONMENT = new Set([
  'PreflightError',
  'DatasetError',
  'ModelSpecError',
  'RunRecordError',
  'CacheFileError',
  'CacheAccessError',
  'CacheMissError',
  'TrainerInputError',
]);

function buildProgram(cx: CommandContext): Command {
  const program = new Command('autodiff')
    .description("Auto-differentiate LLM pipelines: train, reproduce the paper's tables, compare runs.")
    .enablePositionalOptions()
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (s) => cx.io.out(s.replace(/\n$/, '')),
      writeErr: (s) => cx.io.err(s.replace(/\n$/, '')),
      outputError: (s, write) => write(s.replace(/^error: /, 'autodiff: ')),
    })
    .addHelpText(
      'after',
      '\nExit codes: 0 done; 1 the work failed (dataset, model, API key, results folder, a run, a regression);\n' +
        '2 the command line or the experiment file is wrong.',
    );
  registerTrain(program, cx);
  registerSimServer(program, cx);
  registerRepro(program, cx);
  registerAblate(program, cx);
  registerTable(program, cx);
  registerReport(program, cx);
  registerCompare(program, cx);
  registerCache(program, cx);
  registerEval(program, cx);
  // Subcommands inherit the output settings and the exit override.
  for (const c of program.commands) c.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/** The top-level help. */
export const USAGE = buildProgram({ io: { out: () => {}, err: () => {} }, exitCode: 0 }).helpInformation();

/** Runs one command; resolves to the exit code. `stop` ends long-running commands (default: SIGINT/SIGTERM). */
export async function main(
  argv: readonly string[],
  io: Io = processIo,
  stop?: Promise<void>,
): Promise<number> {
  const cx: CommandContext = { io, stop, exitCode: 0 };
  const program = buildProgram(cx);
  const [command] = argv;
  if (command === undefined) {
    io.out(program.helpInformation());
    return 2;
  }
  if (!command.startsWith('-') && command !== 'help' && !program.commands.some((c) => c.name() === command)) {
    io.err(`autodiff: unknown command ${JSON.stringify(command)}\n`);
    io.err(program.helpInformation());
    return 2;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return cx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError)
      return e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.help' ||
        e.code === 'commander.version'
        ? 0
        : 2;
    if (e instanceof UsageError) {
      io.err(`autodiff: ${e.message}\n`);
      io.err(e.usage ?? program.helpInformation());
      return 2;
    }
    const error = e as Error;
    if (USER_INPUT.has(error.name)) {
      io.err(`autodiff: ${error.message}`);
      return 2;
    }
    if (USER_ENVIRONMENT.has(error.name)) {
      io.err(`autodiff: ${error.message}`);
      return 1;
    }
    // An unexpected error is a bug of ours, not a user mistake: keep its stack for the report.
    io.err(`autodiff: ${error.message}`);
    if (process.env.AUTODIFF_DEBUG) io.err(error.stack ?? '');
    else io.err('(set AUTODIFF_DEBUG=1 to print the stack trace)');
    return 1;
  }
}
