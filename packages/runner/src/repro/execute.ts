/**
 * What `repro` and `ablate` share: plan the experiment, check everything before the first model call,
 * estimate the cost (and refuse a paid run above `--max-cost`), run the sweep with live progress, then
 * build the outputs and print where they are.
 */
import { join, resolve } from 'node:path';
import { preflightCache, ResponseCache, retryReporter } from '@llm-autodiff/llm';
import { loadTask } from '@llm-autodiff/tasks';
import { experimentCachePath } from '../cache/location';
import { customPipelinesOf, type Experiment } from '../experiment/schema';
import type { Io } from '../io';
import type { RoleModels } from '../model-defaults';
import { writeReport } from '../outputs/commands';
import { simulatedJudgeNote } from '../program/sim-note';
import { onInterrupt } from '../train/interrupt';
import { registerExperimentPipelines } from './custom-pipelines';
import { costRefusal, estimate, formatEstimate, type RunSizes } from './estimate';
import { type Plan, planExperiment } from './plan';
import { PreflightError, preflight } from './preflight';
import { LIST_PRICES, pricesSource, readPriceFile } from './price-list';
import { SweepProgress } from './progress';
import { readStepCounts } from './step-counts';
import { isDone, runSweep, type SweepOptions, type SweepResult } from './sweep';

export interface ExecuteOptions {
  resultsRoot: string;
  /** A cache file, 'off', or undefined for the experiment's own cache file. */
  cache: string | undefined;
  /** Read the cache only (`train --replay`): a miss stops the sweep (no new run starts) and fails it. */
  replay?: boolean;
  baseURL?: string;
  models: Partial<RoleModels>;
  dryRun: boolean;
  /** Refuse to start when a paid endpoint's estimate is above this many dollars. */
  maxCostUsd: number;
  pricesFile?: string;
  /** Runs in flight (overrides the experiment's `concurrency`). */
  concurrency?: number;
  /** Skip the table/report builders (ablate builds its own table). */
  outputs: boolean;
  /** --timeout, --max-retries, --max-concurrency for every run's models (as train's). */
  controls?: SweepOptions['controls'];
}

export interface Executed {
  plan: Plan;
  sweep?: SweepResult;
  /** The signal that stopped the sweep (SIGINT / SIGTERM): exit 130 / 143, rerun to resume. */
  stoppedBy?: 'SIGINT' | 'SIGTERM';
}

/** The full split sizes of every pipeline of the plan (each dataset read once). */
export async function splitSizes(plan: Plan): Promise<(p: string) => RunSizes> {
  const sizes = new Map<string, RunSizes>();
  for (const p of new Set(plan.runs.map((r) => r.pipeline))) {
    const s = await loadTask(p);
    sizes.set(p, { train: s.train.length, val: s.val.length, test: s.test.length });
  }
  return (p) => sizes.get(p) ?? { train: 0, val: 0, test: 0 };
}

export async function executeExperiment(
  experiment: Experiment,
  o: ExecuteOptions,
  io: Io,
): Promise<Executed> {
  const e = o.concurrency ? { ...experiment, concurrency: o.concurrency } : experiment;
  // The experiment's own pipelines are registered first: the plan asks which methods can tune them.
  const cannotTune = await registerExperimentPipelines(e);
  const plan = planExperiment(e, resolve(o.resultsRoot), o.models, cannotTune);
  for (const line of plan.unsupported) io.out(`not run: ${line}`);
  const note = customPipelinesOf(e).length > 0 ? simulatedJudgeNote(plan.models.task) : undefined;
  if (note) io.out(note);
  if (plan.runs.length === 0) throw new PreflightError(`experiment "${e.name}" has no runnable method`);
  // Preflight before anything else: datasets, models, API keys, the results folder (no model call).
  await preflight(plan, { baseURL: o.baseURL, dryRun: o.dryRun });
  const cachePath = o.cache === 'off' ? undefined : o.cache ? resolve(o.cache) : experimentCachePath(e.name);
  const cacheMode = o.replay ? 'read-only' : 'read-write';
  // A replay needs its cache file: a missing or unreadable one is one line before any run.
  if (cachePath && o.replay) preflightCache({ path: cachePath, mode: cacheMode });

  const prices = o.pricesFile ? readPriceFile(o.pricesFile) : LIST_PRICES;
  const pending = plan.runs.filter((r) => !isDone(r));
  const est = estimate(pending, readStepCounts(), prices, await splitSizes(plan));
  const label = plan.simulated ? 'simulated model' : `models: ${Object.values(plan.models).join(', ')}`;
  io.out(
    `experiment ${e.name} (${label}): ${plan.runs.length} runs (${plan.runs.length - pending.length} already done), ${e.concurrency} at a time -> ${plan.root}`,
  );
  if (o.dryRun) {
    for (const r of plan.runs) io.out(`  ${r.runId}${pending.includes(r) ? '' : ' (done)'}`);
  }
  for (const line of formatEstimate(est)) io.out(line);
  if (est.paid.length > 0) io.out(`dollars priced with ${pricesSource(o.pricesFile)}`);
  const refusal = costRefusal(est, {
    budgeted: e.budget !== undefined,
    maxCostUsd: o.maxCostUsd,
    budgetHint: 'set a budget in the experiment file',
  });
  if (o.dryRun) {
    if (refusal) io.out(`a run would refuse to start: ${refusal}`);
    return { plan };
  }
  if (refusal) throw new PreflightError(`refusing to start: ${refusal}`);

  const cache = cachePath ? new ResponseCache({ path: cachePath, mode: cacheMode }) : undefined;
  const expectedCalls = new Map(
    est.runs.map((r) => [r.runId, Object.values(r.byRole).reduce((a, u) => a + u.calls, 0)]),
  );
  const progress = new SweepProgress(plan.runs, io, undefined, expectedCalls);
  // SIGINT / SIGTERM: as in train, no new model call; each run in flight keeps its checkpoint and saves
  // what it finished; the sweep ends, exits 130 / 143, and the same command resumes it.
  const interrupt = onInterrupt((line) => io.err(line));
  let sweep: SweepResult;
  try {
    sweep = await runSweep(plan, {
      cache,
      baseURL: o.baseURL,
      progress,
      stopOnCacheMiss: o.replay,
      signal: interrupt.signal,
      controls: o.controls,
      onRetry: retryReporter({ log: (line) => io.err(line) }),
    });
  } finally {
    interrupt.dispose();
    progress.close();
    cache?.close();
  }
  if (interrupt.signal.aborted) {
    const stoppedBy = interrupt.signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
    io.err(
      `${stoppedBy}: sweep stopped (${sweep.done.length} runs done, ${sweep.partial.length + sweep.stopped.length} stopped mid-run); finished steps are checkpointed in ${plan.root}/runs; rerun the same command to resume`,
    );
    return { plan, sweep, stoppedBy };
  }
  io.out(
    `runs: ${sweep.done.length} done, ${sweep.skipped.length} skipped (already done), ${sweep.partial.length} partial, ${sweep.failed.length} failed`,
  );
  // A replay's miss is the cause of every failure: one line, exit 1 (as `train --replay`).
  if (sweep.cacheMiss) throw sweep.cacheMiss;
  for (const f of sweep.failed) io.err(`  ${f.runId}: ${f.message}`);
  if (sweep.failed.length > 0)
    io.err('rerun the same command to resume the unfinished runs from their checkpoints');
  io.out(`runs: ${plan.root}/runs`);
  if (o.outputs) await buildOutputs(plan.root, io);
  return { plan, sweep };
}

/** Tables, plots and the report, built from the saved runs only (as `autodiff report` rebuilds them). */
export async function buildOutputs(root: string, io: Io): Promise<void> {
  // Seconds of work after the last run: said before, timed after, so the sweep never looks stuck.
  io.out('building tables, plots and the report from the saved runs ...');
  const t0 = performance.now();
  const report = await writeReport(root);
  io.out(`built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  io.out(`tables: ${join(root, 'tables')}`);
  io.out(`plots: ${join(root, 'plots')}`);
  io.out(`report: ${report}`);
}
