/** `autodiff compare <old> <new>`: every cell's difference with a bootstrap CI; exit 1 on a regression. */
import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_TOLERANCES, type Tolerances } from '../compare/compare';
import { parseTolerances } from '../compare/tolerances';
import { compareCommand } from '../outputs/commands';
import type { CommandContext } from './context';
import { experimentRoot, SAVED_RUNS_EXIT_CODES } from './saved-runs';

function tolerances(value: string): Tolerances {
  try {
    return parseTolerances(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

export function registerCompare(program: Command, cx: CommandContext): void {
  const d = DEFAULT_TOLERANCES;
  program
    .command('compare')
    .summary('compare two experiments cell by cell (bootstrap CIs); exit 1 on a regression')
    .argument('<old>', 'reference experiment (name or folder)')
    .argument('<new>', 'experiment to check (name or folder)')
    .option('--results <dir>', 'results root', 'results')
    .option(
      '--tolerance <list>',
      `e.g. accuracy=1,calls=5,tokens=5 (accuracy drop in points; calls and tokens rise in %; defaults ${d.accuracyDropPts}, ${d.callsRisePct}, ${d.tokensRisePct})`,
      tolerances,
    )
    .addHelpText('after', SAVED_RUNS_EXIT_CODES)
    .action(async (oldName: string, newName: string, flags: { results: string; tolerance?: Tolerances }) => {
      cx.exitCode = await compareCommand(
        experimentRoot(oldName, flags.results),
        experimentRoot(newName, flags.results),
        flags.tolerance ?? DEFAULT_TOLERANCES,
        cx.io,
      );
    });
}
