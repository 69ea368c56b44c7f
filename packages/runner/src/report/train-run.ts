/**
 * One `autodiff train` results file as a one-run experiment, so `autodiff report FILE.json` renders it
 * with the same pages as a repro experiment: settings, tables, plots, prompt evolution, gates, usage and
 * the backward graphs (from the `--graph DIR` the file records). Only the file (and that folder) is read.
 */
import { access } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { TrainerInputError } from '@llm-autodiff/trainer';
import { runUsage } from '../costs/run-cost';
import {
  parseRunRecord,
  parseSteps,
  RUN_RECORD_FORMAT,
  RunRecordError,
  readGraphDir,
  runId,
  type SavedExperiment,
} from '../repro/run-record';
import { readTrainResults, type TrainResultsFile } from '../train/results-file';

function record(file: string, name: string, results: TrainResultsFile) {
  const { result, manifest } = results;
  const { initial } = result;
  if (!initial)
    throw new RunRecordError(
      file,
      `stopped before its initial evaluation finished (${result.stopReason ?? 'stopped'}): no scores to report`,
    );
  const repeat = typeof manifest.repeat === 'number' ? manifest.repeat : 0;
  const versions = {
    ...((manifest.versions ?? {}) as Record<string, string>),
    ...(results.commit ? { commit: results.commit } : {}),
  };
  return parseRunRecord(
    {
      format: RUN_RECORD_FORMAT,
      experiment: name,
      runId: runId(results.pipeline, results.method, repeat),
      pipeline: results.pipeline,
      method: results.method,
      repeat,
      seed: result.trainer.seed,
      simulated: results.model === 'simulated model',
      ...(results.simSeed === undefined ? {} : { simSeed: results.simSeed }),
      status: result.partial ? 'partial' : 'done',
      stopReason: result.stopReason,
      models: results.models,
      preset: results.preset,
      config: { ...result.trainer, ...(result.methodConfig as Record<string, unknown>) },
      initial,
      final: { val: result.final.val ?? initial.val, test: result.final.test },
      testScores: result.testScores.final,
      initialTestScores: result.testScores.initial,
      values: { initial: results.initialValues ?? {}, final: result.values },
      usage: runUsage(result.usage),
      gates: result.gates,
      steps: result.steps.length,
      wallMs: result.wallMs,
      startedAt: results.startedAt ?? 'unknown',
      versions,
    },
    file,
  );
}

/** Reads a train results file; a missing or malformed one is a RunRecordError (one line naming the file). */
export async function readTrainRun(file: string): Promise<SavedExperiment> {
  let results: TrainResultsFile;
  try {
    await access(file);
  } catch {
    throw new RunRecordError(file, 'missing');
  }
  try {
    results = await readTrainResults(file);
  } catch (e) {
    // Its messages name the file already; the RunRecordError names it once, in front.
    if (e instanceof TrainerInputError)
      throw new RunRecordError(
        file,
        e.message.replace(`cannot read results ${file}: `, 'unreadable: ').replace(`results ${file}: `, ''),
      );
    throw e;
  }
  const name = basename(file, '.json');
  const run = record(file, name, results);
  const steps = parseSteps(stepLines(results), file);
  const graphs = results.graphDir ? await readGraphDir(results.graphDir) : [];
  const { data } = results;
  return {
    root: dirname(file),
    name,
    simulated: run.simulated,
    experiment: {
      name,
      source: 'autodiff train',
      pipelines: [run.pipeline],
      methods: [run.method],
      repeats: 1,
      simulated: run.simulated,
      sizes: { train: data.train, val: data.val, test: data.test },
      models: run.models,
      // The settings block reads GDPO's steps/batch/proposals from `config`, other methods' from `methodConfig`.
      ...(run.method === 'gdpo'
        ? { config: results.result.methodConfig }
        : { methodConfig: { [run.method]: results.result.methodConfig } }),
    },
    runs: [{ dir: dirname(file), record: run, steps, graphs }],
  };
}

/** The step records as steps.jsonl lines, so they pass the same schema as a repro run's. */
function stepLines(results: TrainResultsFile): string {
  return results.result.steps.map((s) => JSON.stringify(s)).join('\n');
}
