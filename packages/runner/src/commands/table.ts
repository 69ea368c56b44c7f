/** `autodiff table <experiment>`: Markdown/CSV tables and SVG plots rebuilt from the saved runs. */
import type { Command } from 'commander';
import type { CommandContext } from './context';
import { rebuildCommand } from './saved-runs';

export function registerTable(program: Command, cx: CommandContext): void {
  rebuildCommand(
    program,
    cx,
    'table',
    "rebuild an experiment's Markdown/CSV tables and SVG plots from its saved runs",
  );
}
