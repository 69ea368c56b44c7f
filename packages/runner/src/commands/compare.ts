/** `autodiff compare <old> <new>`: every cell's difference with a bootstrap CI; exit 1 on a regression. */
import type { Command } from 'commander';
import { DEFAULT_TOLERANCES, type Tolerances } from '../compare/compare';
import { parseTolerances } from '../compare/tolerances';
import { EXIT_CODES_HELP } from '../exit-codes';
import { UsageError } from '../usage-error';
import type { CommandContext } from './context';
import { option, resultsOption } from './options';
import { experimentRoot } from './saved-runs';

const tolerances = (flag: string) => (value: string) => {
  try {
    return parseTolerances(value);
  } catch (e) {
    throw new UsageError(`${flag}: ${(e as Error).message}`);
  }
};

export function define(command: Command, cx: CommandContext): void {
  const d = DEFAULT_TOLERANCES;
  command
    .argument('<old>', 'reference experiment (name or folder)')
    .argument('<new>', 'experiment to check (name or folder)')
    .addOption(resultsOption())
    .addOption(
      option(
        '--tolerance <list>',
        `e.g. accuracy=1,calls=5,tokens=5 (accuracy drop in points; calls and tokens rise in %; defaults ${d.accuracyDropPts}, ${d.callsRisePct}, ${d.tokensRisePct})`,
        tolerances,
      ),
    )
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .action(async (oldName: string, newName: string, flags: { results: string; tolerance?: Tolerances }) => {
      const { compareCommand } = await import('../outputs/commands');
      cx.exitCode = await compareCommand(
        experimentRoot(oldName, flags.results),
        experimentRoot(newName, flags.results),
        flags.tolerance ?? DEFAULT_TOLERANCES,
        cx.io,
      );
    });
}
