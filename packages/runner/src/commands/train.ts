/** `autodiff train`: one run, as before the experiment runner (its flag parser and messages are kept). */
import type { Command } from 'commander';
import { TRAIN_USAGE } from '../train/args';
import { runTrain } from '../train/command';
import type { CommandContext } from './context';

export function registerTrain(program: Command, cx: CommandContext): void {
  program
    .command('train')
    .summary('train one task pipeline with GDPO; scores, calls and tokens per role (see train --help)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[flags...]')
    .action(async (flags: string[]) => {
      if (flags.includes('-h') || flags.includes('--help')) {
        cx.io.out(TRAIN_USAGE);
        cx.exitCode = 0;
        return;
      }
      cx.exitCode = await runTrain(flags, cx.io);
    });
}
