/** `autodiff repro [preset|file]`: run an experiment (a sweep of runs), then build its tables and report. */
import { type Command, Option } from 'commander';
import { loadExperiment } from '../experiment/load';
import { type ExecuteOptions, executeExperiment } from '../repro/execute';
import { signalExitCode } from '../train/interrupt';
import { UsageError } from '../usage-error';
import { type CommandContext, nonNegativeNumber, positiveInt } from './context';

export interface SweepFlags {
  dryRun?: boolean;
  maxCost: number;
  prices?: string;
  results: string;
  cache?: string;
  replay?: boolean;
  baseUrl?: string;
  taskModel?: string;
  backwardModel?: string;
  optimizerModel?: string;
  teacherModel?: string;
  concurrency?: number;
}

/** The flags `repro` and `ablate` share. */
export function addSweepOptions(command: Command): Command {
  return command
    .option('--dry-run', 'list the planned runs and estimate calls, tokens and dollars; run nothing')
    .addOption(
      new Option('--max-cost <usd>', 'refuse to start when the estimate on paid endpoints exceeds this')
        .argParser(nonNegativeNumber)
        .default(10),
    )
    .option('--prices <file>', 'JSON price table (USD per 1M tokens) instead of the built-in list prices')
    .option('--results <dir>', 'results root', 'results')
    .option('--cache <file|off>', "response cache (default: the experiment's own file in the cache folder)")
    .option(
      '--replay',
      'read the cache only (offline): the first call it does not hold stops the sweep with one line, exit 1',
    )
    .option('--base-url <url>', 'OpenAI-compatible server for openai: specs that name none')
    .option('--task-model <spec>', 'task model (overrides the experiment file)')
    .option('--backward-model <spec>', 'backward engine')
    .option('--optimizer-model <spec>', 'optimizer')
    .option('--teacher-model <spec>', 'teacher')
    .addOption(
      new Option('--concurrency <n>', 'runs in flight at once (overrides the file)').argParser(positiveInt),
    );
}

export function executeOptions(flags: SweepFlags, outputs: boolean): ExecuteOptions {
  if (flags.replay && flags.cache === 'off')
    throw new UsageError('--replay reads the cache; it cannot be used with --cache off');
  return {
    resultsRoot: flags.results,
    cache: flags.cache,
    replay: flags.replay === true,
    baseURL: flags.baseUrl,
    models: {
      task: flags.taskModel,
      backward: flags.backwardModel,
      optimizer: flags.optimizerModel,
      teacher: flags.teacherModel,
    },
    dryRun: flags.dryRun === true,
    maxCostUsd: flags.maxCost,
    pricesFile: flags.prices,
    concurrency: flags.concurrency,
    outputs,
  };
}

export function registerRepro(program: Command, cx: CommandContext): void {
  addSweepOptions(
    program
      .command('repro')
      .summary('run an experiment (preset or file), then build its tables and report')
      .description(
        'Runs every pipeline x method x repeat of an experiment concurrently, writing results/<experiment>/runs/<run>/.\n' +
          'An interrupted sweep resumes: finished runs are skipped, an unfinished one continues from its checkpoint.\n' +
          "Each run starts from its pipeline's reference preset (as train), then the experiment's config, settings and overrides.\n" +
          "Presets: quick (small splits, minutes on the simulated world), paper (the paper's Table 2).",
      )
      .argument('[experiment]', 'preset name or experiment file (.yaml/.json)', 'quick'),
  ).action(async (name: string, flags: SweepFlags) => {
    const { sweep, stoppedBy } = await executeExperiment(
      loadExperiment(name),
      executeOptions(flags, true),
      cx.io,
    );
    cx.exitCode = stoppedBy ? signalExitCode(stoppedBy) : sweep && sweep.failed.length > 0 ? 1 : 0;
  });
}
