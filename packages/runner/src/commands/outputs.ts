/** `autodiff table`, `report` and `compare`: outputs rebuilt from saved runs only, no model call. */
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_TOLERANCES, type Tolerances } from '../compare/compare';
import { parseTolerances } from '../compare/tolerances';
import { compareCommand, reportCommand, tableCommand } from '../outputs/commands';
import type { CommandContext } from './context';

/** An experiment folder, or a name under the results root. */
function experimentRoot(nameOrDir: string, results: string): string {
  return nameOrDir.includes('/') ? resolve(nameOrDir) : resolve(results, nameOrDir);
}

const EXIT_NOTE =
  '\nExit codes: 0 written / no regression; 1 compare found a regression; 2 a saved-run file is missing or malformed.';

function rebuild(program: Command, cx: CommandContext, name: 'table' | 'report', summary: string): void {
  program
    .command(name)
    .summary(summary)
    .argument('<experiment>', 'experiment name (under --results) or folder')
    .option('--results <dir>', 'results root', 'results')
    .addHelpText('after', EXIT_NOTE)
    .action(async (experiment: string, flags: { results: string }) => {
      const run = name === 'table' ? tableCommand : reportCommand;
      cx.exitCode = await run(experimentRoot(experiment, flags.results), cx.io);
    });
}

export function registerTable(program: Command, cx: CommandContext): void {
  rebuild(
    program,
    cx,
    'table',
    "rebuild an experiment's Markdown/CSV tables and SVG plots from its saved runs",
  );
}

export function registerReport(program: Command, cx: CommandContext): void {
  rebuild(program, cx, 'report', "rebuild an experiment's tables, plots and self-contained HTML report");
}

export function registerCompare(program: Command, cx: CommandContext): void {
  program
    .command('compare')
    .summary('compare two experiments cell by cell (bootstrap CIs); exit 1 on a regression')
    .argument('<old>', 'reference experiment (name or folder)')
    .argument('<new>', 'experiment to check (name or folder)')
    .option('--results <dir>', 'results root', 'results')
    .option(
      '--tolerance <list>',
      `e.g. accuracy=1,calls=5,tokens=5 (accuracy drop in points; calls and tokens rise in %; defaults ${DEFAULT_TOLERANCES.accuracyDropPts}, ${DEFAULT_TOLERANCES.callsRisePct}, ${DEFAULT_TOLERANCES.tokensRisePct})`,
      (value: string) => {
        try {
          return parseTolerances(value);
        } catch (e) {
          throw new InvalidArgumentError((e as Error).message);
        }
      },
    )
    .addHelpText('after', EXIT_NOTE)
    .action(async (oldName: string, newName: string, flags: { results: string; tolerance?: Tolerances }) => {
      cx.exitCode = await compareCommand(
        experimentRoot(oldName, flags.results),
        experimentRoot(newName, flags.results),
        flags.tolerance ?? DEFAULT_TOLERANCES,
        cx.io,
      );
    });
}
