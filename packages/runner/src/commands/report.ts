/** `autodiff report <experiment>`: tables, plots and the self-contained HTML report from the saved runs. */
import type { Command } from 'commander';
import type { CommandContext } from './context';
import { rebuildCommand } from './saved-runs';

export function registerReport(program: Command, cx: CommandContext): void {
  rebuildCommand(
    program,
    cx,
    'report',
    "rebuild an experiment's tables, plots and self-contained HTML report",
  );
}
