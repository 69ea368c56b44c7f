/**
 * `autodiff eval`: score parameter values (a values map, train results, a run record or a checkpoint) on
 * a split without training; the output JSON is written atomically (src/eval/run.ts does the work).
 */
import { TASK_NAMES } from '@llm-autodiff/tasks';
import type { Command } from 'commander';
import type { CommandContext } from './context';
import { choice, concurrencyOption, integer, option, text } from './options';

interface EvalFlags {
  task: string;
  pipeline?: string;
  values?: string;
  split: 'val' | 'test';
  simSeed?: number;
  taskModel: string;
  size?: number;
  concurrency: number;
  out: string;
}

export function define(command: Command, cx: CommandContext): void {
  command
    .addOption(option('--task <task>', `task: ${TASK_NAMES.join(', ')}`, text()).makeOptionMandatory())
    .addOption(option('--pipeline <pipeline>', "pipeline (default: the task's first)", text()))
    .addOption(
      option(
        '--values <file>',
        'JSON: name → value map, train results, run.json or checkpoint (default: the starting prompts)',
        text('a file'),
      ),
    )
    .addOption(
      option('--split <split>', 'split to score: val or test', choice(['val', 'test'])).default('test'),
    )
    .addOption(
      option(
        '--sim-seed <n>',
        'world seed of the simulated model (default: as train, seed 2025 repeat 0)',
        integer(0),
      ),
    )
    .addOption(option('--task-model <spec>', 'task model spec', text()).default('sim:task'))
    .addOption(option('--size <n>', 'score only the first N examples of the split', integer(1)))
    .addOption(concurrencyOption('calls in flight').default(4))
    .addOption(option('--out <file>', 'output JSON', text('a file')).makeOptionMandatory())
    .action(async (flags: EvalFlags) => {
      const [{ resolve }, { writeJsonAtomic }, { runEval }] = await Promise.all([
        import('node:path'),
        import('@llm-autodiff/llm'),
        import('../eval/run'),
      ]);
      const out = await runEval(flags);
      await writeJsonAtomic(resolve(flags.out), out);
      cx.io.out(
        `${out.pipeline} ${out.split}: ${out.score.toFixed(3)} on ${out.n} examples (${out.simulated ? 'simulated model' : out.model}); written to ${flags.out}`,
      );
    });
}
