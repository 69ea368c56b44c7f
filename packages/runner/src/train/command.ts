/**
 * `autodiff train`: one task pipeline trained with a registered method (default GDPO). Wires the model registry (simulated models by
 * default), the response cache and usage ledger, the task's data and pipeline, and the trainer; prints the
 * scores, calls and tokens per role, gate counts and wall-clock; writes the results JSON atomically.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exportGraph, type Parameter, toDot, toMermaid } from '@llm-autodiff/core';
import {
  Budget,
  CacheMissError,
  type ChatModel,
  ModelCallError,
  ModelSpecError,
  managedModel,
  ProviderError,
  ResponseCache,
  UsageLedger,
  writeFileAtomic,
  writeJsonAtomic,
} from '@llm-autodiff/llm';
import { DatasetError, loadTask, openPipeline } from '@llm-autodiff/tasks';
import { readCheckpoint, TrainerInputError, train } from '@llm-autodiff/trainer';
import type { Io } from '../cli';
import { createModel } from '../model-registry';
import type { ResolvedSettings } from '../presets/resolve';
import { resolveRunSettings } from '../presets/run-settings';
import { withSampling } from '../presets/sampling';
import { type RoleName, samplingOf } from '../presets/settings';
import { UsageError } from '../usage-error';
import { parseTrainArgs, TRAIN_USAGE, type TrainArgs } from './args';
import { formatReport } from './report';
import { creditCheckpoint } from './resume-budget';

/** Errors of the model calls themselves: the run got somewhere, and its checkpoint can be resumed. */
const CALL_ERRORS = [CacheMissError, ModelCallError, ProviderError] as const; // MalformedResponseError is a ProviderError
/** Errors that mean the user's input or environment is wrong: a message, no stack trace. */
const USER_ERRORS = [...CALL_ERRORS, TrainerInputError, DatasetError, ModelSpecError] as const;
const isAny = (e: unknown, classes: readonly (abstract new (...args: never[]) => Error)[]): e is Error =>
  classes.some((c) => e instanceof c);

/** Runs `autodiff train`; resolves to the exit code (0 done, 1 failed, 2 bad command line). */
export async function runTrain(argv: readonly string[], io: Io): Promise<number> {
  let args: TrainArgs;
  let settings: ResolvedSettings;
  try {
    args = parseTrainArgs(argv);
    settings = await resolveRunSettings(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (e.message) io.err(`autodiff train: ${e.message}\n`);
    io.err(TRAIN_USAGE);
    return 2;
  }
  try {
    await trainAndReport(args, settings, io);
    return 0;
  } catch (e) {
    if (!isAny(e, USER_ERRORS)) throw e;
    io.err(`autodiff train: ${e.message}`);
    // Only a failed model call leaves a run worth resuming; a bad checkpoint, dataset or spec does not.
    if (isAny(e, CALL_ERRORS) && existsSync(args.checkpoint))
      io.err(
        `progress up to the last finished step is in ${args.checkpoint}; rerun with --resume to continue`,
      );
    return e instanceof TrainerInputError ? 2 : 1;
  }
}

async function trainAndReport(args: TrainArgs, resolved: ResolvedSettings, io: Io): Promise<void> {
  const { settings } = resolved;
  const gdpo = args.method === 'gdpo';
  const ledger = new UsageLedger({ labels: { experiment: `${args.method}-${args.pipeline}` } });
  const cache =
    args.cache === 'off'
      ? undefined
      : new ResponseCache({ path: args.cache ? resolve(args.cache) : undefined });
  const budget = args.budget ? new Budget(args.budget) : undefined;
  // A resumed run keeps its budget: the finished steps of the checkpoint count against it.
  if (budget && args.resume && existsSync(args.checkpoint))
    creditCheckpoint(budget, await readCheckpoint(args.checkpoint));
  // Every request of a role carries the preset's sampling options (outside the cache: part of the key).
  const managed = (role: RoleName): ChatModel =>
    withSampling(
      managedModel(createModel(args.models[role], { baseURL: args.baseURL }), { ledger, cache, budget }),
      samplingOf(settings.models[role]),
    );
  const task = managed('task');
  const backward = managed('backward');
  const optimizer = managed('optimizer');
  const teacherModel = managed('teacher');
  const simulated = Object.values(args.models).every((m) => m.startsWith('sim:'));
  const label = simulated ? 'simulated model' : `models: ${Object.values(args.models).join(', ')}`;

  const demoSteps = gdpo ? settings.gdpo.demos.steps : (args.config.demos?.steps ?? 0);
  // HotPotQA pipelines get the BM25 index (built once, then read from the disk cache).
  const program = await openPipeline(args.pipeline, {
    model: task,
    demos: demoSteps > 0,
    objectCountParser: settings.pipeline.objectCountParser,
  });
  const splits = await loadTask(args.pipeline);
  const cut = <E>(xs: E[], n?: number): E[] => (n === undefined ? xs : xs.slice(0, n));
  const data = {
    train: cut(splits.train, args.limits.train),
    val: cut(splits.val, args.limits.val),
    test: cut(splits.test, args.limits.test),
  };
  // The teacher: the same pipeline run on the teacher model (its calls recorded with role 'teacher').
  const teacher = {
    ...program,
    forwardLoss: (ex: Parameters<typeof program.forwardLoss>[0]) =>
      program.forwardLoss(ex, { model: teacherModel, role: 'teacher' }),
    predict: (ex: Parameters<typeof program.predict>[0]) =>
      program.predict(ex, { model: teacherModel, role: 'teacher' }),
  };

  const log = args.quiet ? () => {} : io.out;
  log(
    `${args.pipeline}: train ${data.train.length}, val ${data.val.length}, test ${data.test.length} (${label}; ${splits.source})`,
  );
  // On resume the checkpoint's config is used; flags given anyway must agree with it (checked by train()).
  const fromFlags = !args.resume || args.configGiven;
  // GDPO starts from the preset; another method gets only what flags set (it may not know GDPO's fields).
  const { seed: _seed, concurrency: _concurrency, ...flagConfig } = args.config;
  const methodConfig = gdpo ? settings.gdpo : flagConfig;
  const result = await train({
    program,
    teacher,
    data,
    models: { optimizer, backward },
    method: args.method,
    methodConfig: fromFlags ? methodConfig : undefined,
    trainer: fromFlags ? settings.trainer : undefined,
    usage: ledger,
    checkpointPath: args.checkpoint,
    resume: args.resume,
    log,
    onBackward: args.graphDir ? graphWriter(args.graphDir) : undefined,
  });

  const usageByRole = ledger.byRole();
  io.out(formatReport({ pipeline: args.pipeline, label, result, usageByRole }));
  await writeJsonAtomic(args.out, {
    model: simulated ? 'simulated model' : 'external models (see models)',
    task: args.task,
    pipeline: args.pipeline,
    method: args.method,
    preset: {
      name: resolved.preset,
      source: resolved.source,
      overridden: resolved.overridden,
      settings,
    },
    models: { task: task.id, backward: backward.id, optimizer: optimizer.id, teacher: teacherModel.id },
    data: { source: splits.source, train: data.train.length, val: data.val.length, test: data.test.length },
    checkpoint: args.checkpoint,
    usageByRole,
    result,
  });
  io.out(`\nresults: ${args.out}`);
}

/** Writes each step's backward graph as JSON, DOT and Mermaid (atomically: a report never reads half a file). */
function graphWriter(dir: string): (step: number, root: Parameter) => Promise<void> {
  return async (step, root) => {
    const graph = exportGraph(root);
    const base = join(dir, `step-${String(step).padStart(2, '0')}`);
    await writeJsonAtomic(`${base}.json`, graph);
    await writeFileAtomic(`${base}.dot`, `${toDot(graph)}\n`);
    await writeFileAtomic(`${base}.mmd`, `${toMermaid(graph)}\n`);
  };
}
