/** `autodiff methods [name]`: the registered methods and their config fields (train/config-help.ts). */
import type { Command } from 'commander';
import type { CommandContext } from './context';

export function define(command: Command, cx: CommandContext): void {
  command
    .argument('[name]', 'one method (default: every registered method)')
    .action(async (name: string | undefined) => {
      const { methodsConfigHelp } = await import('../train/config-help');
      cx.io.out(methodsConfigHelp(name));
    });
}
