/**
 * `autodiff train`: one task pipeline trained with a registered method (default GDPO). Checks every
 * output path and the cache before the first model call; builds the role models through one pool (one
 * managed model per endpoint + model, every call cached under the run's salt, retries on stderr); runs
 * the trainer with the run manifest and the stop signal of SIGINT / SIGTERM; prints the scores, calls,
 * tokens and retries per role; writes the results JSON atomically. Exit codes: see ../exit-codes.ts.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  defaultCachePath,
  FileWriteError,
  preflightCache,
  ResponseCache,
  retryReporter,
  runCacheSalt,
} from '@llm-autodiff/llm';
import { deriveSimSeed } from '@llm-autodiff/sim';
import { customPipeline } from '@llm-autodiff/tasks';
import {
  type Checkpoint,
  DEFAULT_TRAINER_SETTINGS,
  readCheckpoint,
  spendJournalPath,
  TrainerInputError,
  type TrainResult,
  train,
} from '@llm-autodiff/trainer';
import { EXIT_CODES, errorKindOf, reportError, signalExitCode } from '../exit-codes';
import { graphWriter } from '../graph-writer';
import type { Io } from '../io';
import { isSimSpec } from '../model-defaults';
import type { ResolvedSettings } from '../presets/resolve';
import { resolveRunSettings } from '../presets/run-settings';
import { samplingByRole } from '../presets/settings';
import { loadModuleModels } from '../program/module-models';
import { applyProgramFlags } from '../program/program-flags';
import { noteWhenSimulatedTaskCalled } from '../program/sim-note';
import { splitRunConfig, teacherOf, wantsDemosSlot } from '../run-config';
import { manifestOf, setupRun } from '../run-setup';
import { trainableValues } from '../trainable-values';
import { sourceCommit } from '../versions';
import { type TrainArgs, trainArgsFrom } from './args';
import { type TrainCost, trainCost } from './cost-check';
import { onInterrupt, resumeCommand } from './interrupt';
import type { TrainFlags } from './options';
import { type OutputPath, preflightOutputs } from './preflight';
import { formatReport } from './report';
import { writeTrainResults } from './results-file';

/** Runs `autodiff train` on its parsed flags; resolves to the exit code (exit-codes.ts). */
export async function runTrain(flags: TrainFlags, argv: readonly string[], io: Io): Promise<number> {
  let args: TrainArgs;
  let settings: ResolvedSettings;
  let cost: TrainCost;
  try {
    args = trainArgsFrom(await applyProgramFlags(flags));
    settings = await resolveRunSettings(args);
    // `module:` models load first: the cost check builds every role's model to name it.
    await loadModuleModels(Object.values(args.models));
    cost = await trainCost(args, methodConfigOf(args, settings));
  } catch (e) {
    return reportError('train', e, io);
  }
  for (const line of cost.lines) io.out(line);
  if (args.dryRun) {
    io.out(
      cost.refusal
        ? `the run would refuse to start: ${cost.refusal}`
        : 'the run would start (dry run: no model was called)',
    );
    return EXIT_CODES.done;
  }
  if (cost.refusal) {
    io.err(`autodiff train: refusing to start: ${cost.refusal}`);
    return EXIT_CODES.environment;
  }
  const interrupt = onInterrupt(io.err);
  try {
    const result = await trainAndReport({ ...args, budget: cost.budget }, settings, io, interrupt.signal);
    return exitCode(result, argv, args, io, interrupt.signal);
  } catch (e) {
    const kind = errorKindOf(e);
    if (kind === 'interrupted') return signalExitCode(interrupt.signal);
    if (e instanceof ResultsNotWritten) {
      // The run is done and paid for: the result goes to stdout rather than nowhere.
      io.err(`autodiff train: ${e.message}; the result follows on stdout as JSON`);
      io.out(JSON.stringify(e.file, null, 2));
      return EXIT_CODES.write;
    }
    const code = reportError('train', e, io);
    // A failed model call or write leaves a run worth resuming; a bad checkpoint, dataset or spec does not.
    if ((kind === 'call-failed' || kind === 'replay-miss' || kind === 'write') && existsSync(args.checkpoint))
      io.err(
        `progress up to the last finished step is in ${args.checkpoint}; rerun with --resume to continue`,
      );
    return code;
  } finally {
    interrupt.dispose();
  }
}

/** The results file could not be written; `file` is what it would have held. */
class ResultsNotWritten extends Error {
  readonly errorKind = 'write';
  constructor(
    cause: FileWriteError,
    readonly file: Record<string, unknown>,
  ) {
    super(cause.message, { cause });
  }
}

/** GDPO starts from the preset; another method gets only what flags set (it may not know GDPO's fields). */
function methodConfigOf(args: TrainArgs, { settings }: ResolvedSettings): Record<string, unknown> {
  return args.method === 'gdpo' ? settings.gdpo : splitRunConfig(args.config).methodConfig;
}

function exitCode(
  result: TrainResult,
  argv: readonly string[],
  args: TrainArgs,
  io: Io,
  signal: AbortSignal,
): number {
  if (!result.partial) return EXIT_CODES.done;
  io.err(`autodiff train: stopped early (${result.stopReason}); partial result in ${args.out}`);
  io.err(
    `to continue from ${args.checkpoint}${result.stopKind === 'budget' ? ' (with a larger --budget)' : ''}: ${resumeCommand(argv)}`,
  );
  return result.stopKind === 'budget' ? EXIT_CODES.budget : signalExitCode(signal);
}

/** Every output path, checked before the first model call. */
function outputPaths(args: TrainArgs, cachePath: string | undefined): OutputPath[] {
  const paths: OutputPath[] = [
    { flag: '--out', path: args.out, kind: 'file' },
    { flag: '--checkpoint', path: args.checkpoint, kind: 'file' },
  ];
  if (args.graphDir) paths.push({ flag: '--graph', path: args.graphDir, kind: 'dir' });
  if (cachePath) paths.push({ flag: '--cache', path: cachePath, kind: 'file', distinctOnly: true });
  return paths;
}

async function trainAndReport(
  args: TrainArgs,
  resolved: ResolvedSettings,
  io: Io,
  stopSignal: AbortSignal,
): Promise<TrainResult> {
  const { settings } = resolved;
  const cachePath = args.cache === 'off' ? undefined : resolve(args.cache ?? defaultCachePath());
  const cacheMode = args.replay ? 'read-only' : 'read-write';
  await preflightOutputs(outputPaths(args, cachePath));
  if (cachePath) preflightCache({ path: cachePath, mode: cacheMode });
  if (args.resume && !existsSync(args.checkpoint))
    throw new TrainerInputError(`cannot resume: no checkpoint at ${args.checkpoint}`);
  const saved: Checkpoint | undefined = args.resume ? await readCheckpoint(args.checkpoint) : undefined;

  // The salt comes from the run's seed (the checkpoint's on resume) and repeat index.
  // Flags and presets resolve into `settings`; a resume without flags keeps the checkpoint's.
  const fromFlags = !args.resume || args.configGiven;
  const seed = (fromFlags ? settings.trainer.seed : saved?.trainer.seed) ?? DEFAULT_TRAINER_SETTINGS.seed;
  const concurrency =
    (fromFlags ? settings.trainer.concurrency : saved?.trainer.concurrency) ??
    DEFAULT_TRAINER_SETTINGS.concurrency;
  const runSalt = runCacheSalt({ seed, repeat: args.repeat });
  // The simulated world of this run and repeat (as repro derives it); --sim-seed overrides.
  const simSeed = args.simSeed ?? deriveSimSeed(seed, args.repeat);
  const cache = cachePath ? new ResponseCache({ path: cachePath, mode: cacheMode }) : undefined;
  try {
    const methodConfig = methodConfigOf(args, resolved);
    // Every request of a role carries the preset's sampling options.
    const sampling = samplingByRole(settings.models);
    const run = await setupRun({
      pipeline: args.pipeline,
      models: args.models,
      baseURL: args.baseURL,
      cache,
      experiment: `${args.method}-${args.pipeline}`,
      limits: args.limits,
      demos: wantsDemosSlot(args.method, methodConfig),
      simSettings: { seed: simSeed },
      sampling,
      objectCountParser: settings.pipeline.objectCountParser,
      runSalt,
      stopSignal,
      concurrency,
      controls: args.controls,
      onRetry: retryReporter({ log: io.err }),
    });
    const { program, teacher, data, label, pool, ledger } = run;
    const modelIds = Object.fromEntries(
      Object.entries(args.models).map(([role, spec]) => [role, pool.model(spec).id]),
    );
    const usesSim = Object.values(args.models).some(isSimSpec);
    const manifest = manifestOf(run, {
      task: args.task,
      method: args.method,
      seed,
      repeat: args.repeat,
      simSeed,
    });

    const log = args.quiet ? () => {} : io.out;
    if (customPipeline(args.pipeline)) noteWhenSimulatedTaskCalled(ledger, args.models.task, io.out);
    log(
      `${args.pipeline}: train ${data.train.length}, val ${data.val.length}, test ${data.test.length} (${label}; ${run.source})${args.replay ? ' — replay from the cache, offline' : ''}`,
    );
    // The values before training (a resume restores the checkpoint's inside train()): the report's start.
    const initialValues = trainableValues(program);
    const startedAt = new Date().toISOString();
    // On resume the checkpoint's config is used; flags given anyway must agree with it (checked by train()).
    // The DSPy-style methods bootstrap from the student unless --teacher-model names another model.
    const teacherSpec = teacherOf(args.method, methodConfig, args.models);
    const result = await train({
      program,
      teacher: teacherSpec === 'student' ? undefined : teacher,
      data,
      models: { optimizer: run.models.optimizer, backward: run.models.backward },
      method: args.method,
      methodConfig: fromFlags ? methodConfig : undefined,
      trainer: fromFlags ? settings.trainer : undefined,
      usage: ledger,
      // The trainer meters the run's calls and, on resume, counts the checkpoint's spend against it.
      budget: args.budget,
      checkpointPath: args.checkpoint,
      resume: args.resume,
      log,
      warn: io.err,
      onBackward: args.graphDir ? graphWriter(args.graphDir) : undefined,
      signal: stopSignal,
      onStep: run.setStep,
      cacheSalt: runSalt,
      manifest,
      lock: { staleMs: lockStaleMs() },
    });

    const usageByRole = ledger.byRole();
    io.out(formatReport({ pipeline: args.pipeline, label, result, usageByRole }));
    const file = {
      model: run.simulated ? 'simulated model' : 'external models (see models)',
      task: args.task,
      pipeline: args.pipeline,
      method: args.method,
      preset: {
        name: resolved.preset,
        source: resolved.source,
        overridden: resolved.overridden,
        settings,
      },
      models: modelIds,
      ...(usesSim ? { simSeed } : {}),
      manifest,
      modelControls: pool.describe(),
      replay: args.replay,
      data: { source: run.source, train: data.train.length, val: data.val.length, test: data.test.length },
      checkpoint: args.checkpoint,
      spendJournal: spendJournalPath(args.checkpoint),
      usageByRole,
      result,
      initialValues,
      startedAt,
      commit: sourceCommit(),
      ...(args.graphDir ? { graphDir: args.graphDir } : {}),
    };
    try {
      await writeTrainResults(args.out, file);
    } catch (e) {
      if (e instanceof FileWriteError) throw new ResultsNotWritten(e, file);
      throw e;
    }
    io.out(`\nresults: ${args.out}`);
    return result;
  } finally {
    cache?.close();
  }
}

/** AUTODIFF_LOCK_STALE_MS: how old a killed run's checkpoint lock must be to be taken over (default 5000). */
function lockStaleMs(): number | undefined {
  const raw = process.env.AUTODIFF_LOCK_STALE_MS;
  const ms = raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}
