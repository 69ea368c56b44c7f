/** `autodiff train`: one run of a pipeline with a method; options and help in train/options.ts. */
import type { Command } from 'commander';
import { EXIT_CODES_HELP } from '../exit-codes';
import { type TrainFlags, trainHelpAfter, trainOptions } from '../train/options';
import type { CommandContext } from './context';
import { addOptions } from './options';

export function define(command: Command, cx: CommandContext): void {
  addOptions(command, trainOptions())
    .addHelpText('after', trainHelpAfter(EXIT_CODES_HELP))
    .action(async (flags: TrainFlags) => {
      const { runTrain } = await import('../train/command');
      cx.exitCode = await runTrain(flags, cx.argv, cx.io);
    });
}
