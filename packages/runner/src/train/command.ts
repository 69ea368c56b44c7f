/**
 * `autodiff train`: one task pipeline trained with a registered method (default GDPO). Wires the model registry (simulated models by
 * default), the response cache and usage ledger, the task's data and pipeline, and the trainer; prints the
 * scores, calls and tokens per role, gate counts and wall-clock; writes the results JSON atomically.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CacheMissError,
  ModelCallError,
  ModelSpecError,
  ProviderError,
  ResponseCache,
  UsageLedger,
  writeJsonAtomic,
} from '@llm-autodiff/llm';
import { DatasetError } from '@llm-autodiff/tasks';
import { TrainerInputError, train } from '@llm-autodiff/trainer';
import { graphWriter } from '../graph-writer';
import type { Io } from '../io';
import { methods } from '../methods';
import { DataFileError } from '../program/data-files';
import { programArgv } from '../program/program-flags';
import { ProgramModuleError } from '../program/program-module';
import { setupRun } from '../run-setup';
import { UsageError } from '../usage-error';
import { parseTrainArgs, TRAIN_USAGE, type TrainArgs } from './args';
import { formatReport } from './report';

/** Errors of the model calls themselves: the run got somewhere, and its checkpoint can be resumed. */
const CALL_ERRORS = [CacheMissError, ModelCallError, ProviderError] as const; // MalformedResponseError is a ProviderError
/** Errors that mean the user's input or environment is wrong: a message, no stack trace. */
const USER_ERRORS = [
  ...CALL_ERRORS,
  TrainerInputError,
  DatasetError,
  ModelSpecError,
  ProgramModuleError,
  DataFileError,
] as const;
const isAny = (e: unknown, classes: readonly (abstract new (...args: never[]) => Error)[]): e is Error =>
  classes.some((c) => e instanceof c);

/** Runs `autodiff train`; resolves to the exit code (0 done, 1 failed, 2 bad command line). */
export async function runTrain(argv: readonly string[], io: Io): Promise<number> {
  let args: TrainArgs;
  try {
    args = parseTrainArgs(await programArgv(argv));
  } catch (e) {
    if (isAny(e, USER_ERRORS)) {
      io.err(`autodiff train: ${e.message}`);
      return 2;
    }
    if (!(e instanceof UsageError)) throw e;
    if (e.message) io.err(`autodiff train: ${e.message}\n`);
    io.err(TRAIN_USAGE);
    return 2;
  }
  try {
    await trainAndReport(args, io);
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

async function trainAndReport(args: TrainArgs, io: Io): Promise<void> {
  const ledger = new UsageLedger({ labels: { experiment: `${args.method}-${args.pipeline}` } });
  const cache =
    args.cache === 'off'
      ? undefined
      : new ResponseCache({ path: args.cache ? resolve(args.cache) : undefined });
  const demoSteps = args.config.demos?.steps ?? 0;
  // A few-shot slot: GDPO adds one for its demo phase (--demo-steps); any other method that tunes demos
  // gets one (a pipeline without demos support ignores it, and the method then says what it cannot tune).
  const tunesDemos = methods.get(args.method).tunes.includes('demos');
  const withDemos = args.method === 'gdpo' ? demoSteps > 0 : tunesDemos;
  const run = await setupRun({
    pipeline: args.pipeline,
    models: args.models,
    baseURL: args.baseURL,
    cache,
    ledger,
    limits: args.limits,
    demos: withDemos,
    simSettings: { seed: args.simSeed },
  });
  const { program, teacher, data, label } = run;
  const { task, backward, optimizer, teacher: teacherModel } = run.models;

  const log = args.quiet ? () => {} : io.out;
  log(
    `${args.pipeline}: train ${data.train.length}, val ${data.val.length}, test ${data.test.length} (${label}; ${run.source})`,
  );
  // On resume the checkpoint's config is used; flags given anyway must agree with it (checked by train()).
  const fromFlags = !args.resume || args.configGiven;
  const { seed, concurrency, ...methodConfig } = args.config;
  // Ctrl-C stops at the next step boundary with a resumable checkpoint; a second one quits at once.
  const interrupt = new AbortController();
  const onSigint = () => {
    io.err('interrupted: stopping after the current step (Ctrl-C again to quit now)');
    interrupt.abort('SIGINT');
  };
  process.once('SIGINT', onSigint);
  const result = await train({
    program,
    teacher,
    data,
    models: { optimizer, backward },
    method: args.method,
    methodConfig: fromFlags ? methodConfig : undefined,
    trainer: fromFlags ? { seed, concurrency } : undefined,
    usage: ledger,
    // The trainer meters the run's calls and, on resume, counts the checkpoint's spend against it.
    budget: args.budget,
    checkpointPath: args.checkpoint,
    resume: args.resume,
    log,
    onBackward: args.graphDir ? graphWriter(args.graphDir) : undefined,
    signal: interrupt.signal,
  }).finally(() => process.off('SIGINT', onSigint));

  const usageByRole = ledger.byRole();
  io.out(formatReport({ pipeline: args.pipeline, label, result, usageByRole }));
  await writeJsonAtomic(args.out, {
    model: run.simulated ? 'simulated model' : 'external models (see models)',
    task: args.task,
    pipeline: args.pipeline,
    method: args.method,
    models: { task: task.id, backward: backward.id, optimizer: optimizer.id, teacher: teacherModel.id },
    ...(Object.values(args.models).some((m) => m.startsWith('sim:')) ? { simSeed: args.simSeed } : {}),
    data: { source: run.source, train: data.train.length, val: data.val.length, test: data.test.length },
    checkpoint: args.checkpoint,
    usageByRole,
    result,
  });
  io.out(`\nresults: ${args.out}`);
}
