/** `autodiff train`: one run, as before the experiment runner (its flag parser and messages are kept). */
import type { Command } from 'commander';
import { TRAIN_USAGE } from '../train/args';
import { runTrain } from '../train/command';
import { type CommandContext, passThroughCommand } from './context';

export function registerTrain(program: Command, cx: CommandContext): void {
  passThroughCommand(program, cx, {
    name: 'train',
    summary:
      'train a pipeline (built-in or your --program) with a method (GDPO by default); scores, calls and tokens per role',
    usage: TRAIN_USAGE,
    run: (flags) => runTrain(flags, cx.io),
  });
}
