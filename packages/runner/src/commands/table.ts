/** `autodiff table <experiment>`: Markdown/CSV tables and SVG plots rebuilt from the saved runs. */
import type { Command } from 'commander';
import type { CommandContext } from './context';
import { defineRebuild } from './saved-runs';

export function define(command: Command, cx: CommandContext): void {
  defineRebuild(command, cx, 'table');
}
