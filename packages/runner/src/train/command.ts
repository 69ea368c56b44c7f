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
import { applyProgramFlags } from '../program/program-flags';
import { simulatedJudgeNote } from '../program/sim-note';
import { splitRunConfig, wantsDemosSlot } from '../run-config';
import { setupRun } from '../run-setup';
import { type TrainArgs, trainArgsFrom } from './args';
import { onInterrupt, resumeCommand } from './interrupt';
import { runManifest } from './manifest';
import type { TrainFlags } from './options';
import { type OutputPath, preflightOutputs } from './preflight';
import { formatReport } from './report';
import { writeTrainResults } from './results-file';

/** Runs `autodiff train` on its parsed flags; resolves to the exit code (exit-codes.ts). */
export async function runTrain(flags: TrainFlags, argv: readonly string[], io: Io): Promise<number> {
  let args: TrainArgs;
  let settings: ResolvedSettings;
  try {
    args = trainArgsFrom(await applyProgramFlags(flags));
    settings = await resolveRunSettings(args);
  } catch (e) {
    return reportError('train', e, io);
  }
  const interrupt = onInterrupt(io.err);
  try {
    const result = await trainAndReport(args, settings, io, interrupt.signal);
    return exitCode(result, argv, args, io, interrupt.signal);
  } catch (e) {
    const kind = errorKindOf(e);
    if (kind === 'interrupted') return signalExitCode(interrupt.signal);
    const code = reportError('train', e, io);
    // Only a failed model call leaves a run worth resuming; a bad checkpoint, dataset or spec does not.
    if ((kind === 'call-failed' || kind === 'replay-miss') && existsSync(args.checkpoint))
      io.err(
        `progress up to the last finished step is in ${args.checkpoint}; rerun with --resume to continue`,
      );
    return code;
  } finally {
    interrupt.dispose();
  }
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
    // GDPO starts from the preset; another method gets only what flags set (it may not know GDPO's fields).
    const methodConfig = args.method === 'gdpo' ? settings.gdpo : splitRunConfig(args.config).methodConfig;
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
    const roleModels = Object.fromEntries(
      Object.entries(args.models).map(([role, spec]) => [role, { spec, id: pool.model(spec).id }]),
    );
    const usesSim = Object.values(args.models).some(isSimSpec);
    const manifest = runManifest({
      task: args.task,
      pipeline: args.pipeline,
      method: args.method,
      models: roleModels,
      data,
      seed,
      repeat: args.repeat,
      cacheSalt: runSalt,
      simSeed: usesSim ? simSeed : undefined,
      sampling,
    });

    const log = args.quiet ? () => {} : io.out;
    const note = customPipeline(args.pipeline) ? simulatedJudgeNote(args.models.task) : undefined;
    if (note) io.out(note);
    log(
      `${args.pipeline}: train ${data.train.length}, val ${data.val.length}, test ${data.test.length} (${label}; ${run.source})${args.replay ? ' — replay from the cache, offline' : ''}`,
    );
    // On resume the checkpoint's config is used; flags given anyway must agree with it (checked by train()).
    const result = await train({
      program,
      teacher,
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
      onBackward: args.graphDir ? graphWriter(args.graphDir) : undefined,
      signal: stopSignal,
      onStep: run.setStep,
      cacheSalt: runSalt,
      manifest,
      lock: { staleMs: lockStaleMs() },
    });

    const usageByRole = ledger.byRole();
    io.out(formatReport({ pipeline: args.pipeline, label, result, usageByRole }));
    await writeTrainResults(args.out, {
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
      models: Object.fromEntries(Object.entries(roleModels).map(([role, m]) => [role, m.id])),
      ...(usesSim ? { simSeed } : {}),
      manifest,
      modelControls: pool.describe(),
      replay: args.replay,
      data: { source: run.source, train: data.train.length, val: data.val.length, test: data.test.length },
      checkpoint: args.checkpoint,
      usageByRole,
      result,
    });
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
