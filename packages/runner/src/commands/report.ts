/** `autodiff report <experiment>`: tables, plots and the self-contained HTML report from the saved runs. */
import type { Command } from 'commander';
import type { CommandContext } from './context';
import { defineRebuild } from './saved-runs';

export function define(command: Command, cx: CommandContext): void {
  defineRebuild(command, cx, 'report');
}
