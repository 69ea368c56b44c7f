/**
 * The `autodiff` command line (commander). This file knows each command by name and one-line summary
 * only; the command's module (commands/<name>.ts: its options, help and action) is imported after the
 * command line names it, and the action imports the work itself, so `autodiff --help` loads no method,
 * no model client and no plotting library. Errors print in one voice (`autodiff <command>: …`) with the
 * exit code of exit-codes.ts's one table.
 */
import { Command, CommanderError } from 'commander';
import type { CommandContext } from './commands/context';
import type { SimServerCommand } from './commands/sim-server';
import { EXIT_CODES, EXIT_CODES_HELP, reportError } from './exit-codes';
import { type Io, processIo } from './io';
import { UsageError } from './usage-error';

export type { Io, SimServerCommand };
export { UsageError };

interface CommandModule {
  define(command: Command, cx: CommandContext): void;
}

/** Every subcommand: name, summary (the top-level help), and its module, loaded when it runs. */
const COMMANDS: ReadonlyArray<{ name: string; summary: string; load: () => Promise<CommandModule> }> = [
  {
    name: 'train',
    summary:
      'train a pipeline (built-in or your --program) with a method (GDPO by default); scores, calls and tokens per role',
    load: () => import('./commands/train'),
  },
  {
    name: 'methods',
    summary:
      "the methods --method takes and each one's config fields (--method-config): values, defaults, docs",
    load: () => import('./commands/methods'),
  },
  {
    name: 'sim-server',
    summary: 'serve the simulated LLM world over an OpenAI-compatible HTTP API',
    load: () => import('./commands/sim-server'),
  },
  {
    name: 'repro',
    summary: 'run an experiment (preset or file), then build its tables and report',
    load: () => import('./commands/repro'),
  },
  {
    name: 'ablate',
    summary: "the ablation table of GDPO's switches over an experiment's pipelines",
    load: () => import('./commands/ablate'),
  },
  {
    name: 'table',
    summary: "rebuild an experiment's Markdown/CSV tables and SVG plots from its saved runs",
    load: () => import('./commands/table'),
  },
  {
    name: 'report',
    summary: "rebuild an experiment's tables, plots and self-contained HTML report",
    load: () => import('./commands/report'),
  },
  {
    name: 'compare',
    summary: 'compare two experiments cell by cell (bootstrap CIs); exit 1 on a regression',
    load: () => import('./commands/compare'),
  },
  {
    name: 'cache',
    summary: 'response cache: stats, prune, export/import (share replays)',
    load: () => import('./commands/cache'),
  },
  {
    name: 'eval',
    summary: 'score parameter values (from a values map, results, run or checkpoint) on a split; no training',
    load: () => import('./commands/eval'),
  },
];

/** Commander's own messages (unknown option, missing value) in the commands' voice: one line. */
function speakFor(command: Command, cx: CommandContext, name: string): void {
  command.exitOverride().configureOutput({
    writeOut: (s) => cx.io.out(s.replace(/\n$/, '')),
    writeErr: (s) => cx.io.err(s.replace(/\n$/, '')),
    outputError: (s, write) => write(s.replace(/^error: /, `autodiff${name ? ` ${name}` : ''}: `)),
  });
  for (const sub of command.commands) speakFor(sub, cx, name);
}

function buildProgram(cx: CommandContext): Command {
  const program = new Command('autodiff')
    .description("Auto-differentiate LLM pipelines: train, reproduce the paper's tables, compare runs.")
    .enablePositionalOptions()
    .addHelpText('after', `\n${EXIT_CODES_HELP}\n\nEach command's options: autodiff <command> --help`);
  for (const c of COMMANDS) program.command(c.name).summary(c.summary);
  speakFor(program, cx, '');
  return program;
}

/** The top-level help. */
export const USAGE = buildProgram({
  io: { out: () => {}, err: () => {} },
  argv: [],
  exitCode: 0,
}).helpInformation();

/** Runs one command; resolves to the exit code. `stop` ends long-running commands (default: SIGINT/SIGTERM). */
export async function main(
  argv: readonly string[],
  io: Io = processIo,
  stop?: Promise<void>,
): Promise<number> {
  const cx: CommandContext = { io, stop, argv: argv.slice(1), exitCode: EXIT_CODES.done };
  const program = buildProgram(cx);
  const [first] = argv;
  if (first === undefined) {
    io.out(program.helpInformation());
    return EXIT_CODES.usage;
  }
  const name = first === 'help' ? argv[1] : first;
  const spec = COMMANDS.find((c) => c.name === name);
  if (!spec && !first.startsWith('-') && !(first === 'help' && name === undefined)) {
    io.err(`autodiff: unknown command ${JSON.stringify(name)}`);
    io.err(program.helpInformation());
    return EXIT_CODES.usage;
  }
  try {
    if (spec) {
      const command = program.commands.find((c) => c.name() === spec.name) as Command;
      (await spec.load()).define(command, cx);
      speakFor(command, cx, spec.name);
    }
    await program.parseAsync([...argv], { from: 'user' });
    return cx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError)
      return e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.help' ||
        e.code === 'commander.version'
        ? EXIT_CODES.done
        : EXIT_CODES.usage;
    return reportError(spec?.name ?? '', e, io);
  }
}
