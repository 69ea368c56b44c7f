/** What `table`, `report` and `compare` share: they read saved runs only (no model call). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { EXIT_CODES_HELP } from '../exit-codes';
import type { CommandContext } from './context';
import { resultsOption } from './options';

/** An experiment folder, or a name under the results root. */
export function experimentRoot(nameOrDir: string, results: string): string {
  return nameOrDir.includes('/') ? resolve(nameOrDir) : resolve(results, nameOrDir);
}

/** `table` and `report`: rebuild outputs of one experiment. */
export function defineRebuild(command: Command, cx: CommandContext, name: 'table' | 'report'): void {
  command
    .argument('<experiment>', 'experiment name (under --results) or folder')
    .addOption(resultsOption())
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .action(async (experiment: string, flags: { results: string }) => {
      const { reportCommand, tableCommand } = await import('../outputs/commands');
      const run = name === 'table' ? tableCommand : reportCommand;
      cx.exitCode = await run(experimentRoot(experiment, flags.results), cx.io);
    });
}
