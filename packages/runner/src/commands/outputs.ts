/** `autodiff table`, `report` and `compare`: outputs rebuilt from saved runs only, no model call. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { buildReport, buildTables, compareExperiments } from '../repro/report-bridge';
import type { CommandContext } from './context';

/** An experiment folder, or a name under the results root. */
function experimentRoot(nameOrDir: string, results: string): string {
  return nameOrDir.includes('/') ? resolve(nameOrDir) : resolve(results, nameOrDir);
}

export function registerTable(program: Command, cx: CommandContext): void {
  program
    .command('table')
    .summary("rebuild an experiment's Markdown and CSV tables from its saved runs")
    .argument('<experiment>', 'experiment name (under --results) or folder')
    .option('--results <dir>', 'results root', 'results')
    .action(async (name: string, flags: { results: string }) => {
      const files = await buildTables(experimentRoot(name, flags.results), cx.io);
      for (const f of files) cx.io.out(f);
    });
}

export function registerReport(program: Command, cx: CommandContext): void {
  program
    .command('report')
    .summary("rebuild an experiment's plots and self-contained HTML report from its saved runs")
    .argument('<experiment>', 'experiment name (under --results) or folder')
    .option('--results <dir>', 'results root', 'results')
    .action(async (name: string, flags: { results: string }) => {
      cx.io.out(await buildReport(experimentRoot(name, flags.results), cx.io));
    });
}

export function registerCompare(program: Command, cx: CommandContext): void {
  program
    .command('compare')
    .summary('compare two experiments cell by cell (confidence intervals); non-zero exit on a regression')
    .argument('<old>', 'reference experiment (name or folder)')
    .argument('<new>', 'experiment to check (name or folder)')
    .option('--results <dir>', 'results root', 'results')
    .allowUnknownOption()
    .action(async (oldName: string, newName: string, flags: { results: string }, command: Command) => {
      const rest = command.args.slice(2);
      cx.exitCode = await compareExperiments(
        experimentRoot(oldName, flags.results),
        experimentRoot(newName, flags.results),
        rest,
        cx.io,
      );
    });
}
