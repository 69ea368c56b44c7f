/** `autodiff repro [preset|file]`: run an experiment (a sweep of runs), then build its tables and report. */
import type { Command } from 'commander';
import { EXIT_CODES, signalExitCode } from '../exit-codes';
import type { ExecuteOptions } from '../repro/execute';
import type { CommandContext } from './context';
import {
  addOptions,
  type CacheFlags,
  type CostFlags,
  cacheOptions,
  checkCacheFlags,
  concurrencyOption,
  costOptions,
  type ModelFlags,
  modelOptions,
  resultsOption,
} from './options';

export interface SweepFlags extends ModelFlags, CacheFlags, CostFlags {
  results: string;
  concurrency?: number;
}

/** The flags `repro` and `ablate` share. */
export function addSweepOptions(command: Command): Command {
  return addOptions(command, [
    ...costOptions('list the planned runs and estimate calls, tokens and dollars; run nothing'),
    resultsOption(),
    ...cacheOptions("the experiment's own file in the cache folder"),
    ...modelOptions({
      task: 'overrides the experiment file',
      helpers: 'overrides the experiment file',
      teacher: 'overrides the experiment file',
    }),
    concurrencyOption('runs in flight at once (overrides the file)'),
  ]);
}

export function executeOptions(flags: SweepFlags, outputs: boolean): ExecuteOptions {
  checkCacheFlags(flags);
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

export function define(command: Command, cx: CommandContext): void {
  addSweepOptions(
    command
      .description(
        'Runs every pipeline x method x repeat of an experiment concurrently, writing results/<experiment>/runs/<run>/.\n' +
          'An interrupted sweep resumes: finished runs are skipped, an unfinished one continues from its checkpoint.\n' +
          "Each run starts from its pipeline's reference preset (as train), then the experiment's config, settings and overrides.\n" +
          "Presets: quick (small splits, minutes on the simulated world), paper (the paper's Table 2).",
      )
      .argument('[experiment]', 'preset name or experiment file (.yaml/.json)', 'quick'),
  ).action(async (name: string, flags: SweepFlags) => {
    const options = executeOptions(flags, true);
    const [{ loadExperiment }, { executeExperiment }] = await Promise.all([
      import('../experiment/load'),
      import('../repro/execute'),
    ]);
    const { sweep, stoppedBy } = await executeExperiment(loadExperiment(name), options, cx.io);
    cx.exitCode = stoppedBy
      ? signalExitCode(stoppedBy)
      : sweep && sweep.failed.length > 0
        ? EXIT_CODES.failed
        : EXIT_CODES.done;
  });
}
