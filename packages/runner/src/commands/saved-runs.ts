/** What `table`, `report` and `compare` share: they read saved runs only (no model call). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { reportCommand, tableCommand } from '../outputs/commands';
import type { CommandContext } from './context';

/** An experiment folder or `train` results file, or a name under the results root. */
export function experimentRoot(nameOrDir: string, results: string): string {
  // A train results file named bare (`report x.json`) is looked up where the user is first.
  if (nameOrDir.includes('/') || (nameOrDir.endsWith('.json') && existsSync(nameOrDir)))
    return resolve(nameOrDir);
  return resolve(results, nameOrDir);
}

export const SAVED_RUNS_EXIT_CODES =
  '\nExit codes: 0 written / no regression; 1 compare found a regression; 2 a saved-run file is missing or malformed.';

/** `table` and `report`: rebuild outputs of one experiment. */
export function rebuildCommand(
  program: Command,
  cx: CommandContext,
  name: 'table' | 'report',
  summary: string,
): void {
  program
    .command(name)
    .summary(summary)
    .argument(
      '<experiment>',
      name === 'report'
        ? 'experiment name (under --results) or folder, or one `train` results FILE.json'
        : 'experiment name (under --results) or folder',
    )
    .option('--results <dir>', 'results root', 'results')
    .addHelpText('after', SAVED_RUNS_EXIT_CODES)
    .action(async (experiment: string, flags: { results: string }) => {
      const run = name === 'table' ? tableCommand : reportCommand;
      cx.exitCode = await run(experimentRoot(experiment, flags.results), cx.io);
    });
}
