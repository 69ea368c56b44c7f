/**
 * What `repro` and `ablate` share: plan the experiment, check everything before the first model call,
 * estimate the cost (and refuse a paid run above `--max-cost`), run the sweep with live progress, then
 * build the outputs and print where they are.
 */
import { join, resolve } from 'node:path';
import { preflightCache, ResponseCache } from '@llm-autodiff/llm';
import { loadTask } from '@llm-autodiff/tasks';
import { experimentCachePath } from '../cache/location';
import { customPipelinesOf, type Experiment } from '../experiment/schema';
import type { Io } from '../io';
import type { RoleModels } from '../model-defaults';
import { writeReport } from '../outputs/commands';
import { simulatedJudgeNote } from '../program/sim-note';
import { registerExperimentPipelines } from './custom-pipelines';
import { estimate, formatEstimate, type RunSizes } from './estimate';
import { type Plan, planExperiment } from './plan';
import { PreflightError, preflight } from './preflight';
import { LIST_PRICES, readPriceFile } from './price-list';
import { SweepProgress } from './progress';
import { readStepCounts } from './step-counts';
import { isDone, runSweep, type SweepResult } from './sweep';

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
}

export interface Executed {
  plan: Plan;
  sweep?: SweepResult;
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
  await preflight(plan, { baseURL: o.baseURL });
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
  const refusal =
    est.paid.length === 0
      ? undefined
      : est.unmeasured.length > 0 && !e.budget
        ? 'runs on paid endpoints without a cost estimate (see "not estimated"); set a budget in the experiment file'
        : est.unpriced.length > 0
          ? `no price known for ${est.unpriced.join(', ')}; pass --prices FILE so the cost can be checked`
          : (est.total.usd ?? 0) > o.maxCostUsd
            ? `estimated $${(est.total.usd ?? 0).toFixed(2)} on paid endpoints exceeds --max-cost ${o.maxCostUsd}`
            : undefined;
  if (o.dryRun) {
    if (refusal) io.out(`a run would refuse to start: ${refusal}`);
    return { plan };
  }
  if (refusal) throw new PreflightError(`refusing to start: ${refusal}`);

  const cache = cachePath ? new ResponseCache({ path: cachePath, mode: cacheMode }) : undefined;
  const progress = new SweepProgress(plan.runs, io);
  // Ctrl-C: every finished step is checkpointed and every finished run saved; say how to continue.
  const onInterrupt = () => {
    progress.close();
    io.err(`interrupted: finished runs are in ${plan.root}/runs; rerun the same command to resume`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  let sweep: SweepResult;
  try {
    sweep = await runSweep(plan, { cache, baseURL: o.baseURL, progress, stopOnCacheMiss: o.replay });
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    progress.close();
    cache?.close();
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
  const report = await writeReport(root);
  io.out(`tables: ${join(root, 'tables')}`);
  io.out(`plots: ${join(root, 'plots')}`);
  io.out(`report: ${report}`);
}
