/**
 * What the latency-bearing benchmarks share: a HotPotQA (or any) pipeline wired to the simulated server
 * over HTTP through a model pool, every network call recorded on a timeline, and the split sizes that
 * keep a benchmark to seconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Parameter, Program } from '@llm-autodiff/core';
import { type CacheMode, createChatModel, ModelPool, ResponseCache, UsageLedger } from '@llm-autodiff/llm';
import { methods } from '@llm-autodiff/runner';
import { createSimModel, type LatencySpec } from '@llm-autodiff/sim';
import { createPipeline, loadBm25, loadTask, type PipelineName, taskOf } from '@llm-autodiff/tasks';
import { type TrainResult, train } from '@llm-autodiff/trainer';
import { CallTimeline } from './call-timeline';
import type { BenchScale } from './figures';

/** Realistic latency of the issue: task model 0.4 s, backward engine and optimizer 1.5 s, ±25% jitter. */
export const STEP_LATENCY: Record<'sim:task' | 'sim:large', LatencySpec> = {
  'sim:task': { baseMs: 400, perOutputTokenMs: 0, jitter: 0.25 },
  'sim:large': { baseMs: 1500, perOutputTokenMs: 0, jitter: 0.25 },
};

/** The same latencies, 20× shorter for a smoke run (the machinery is exercised, not timed). */
export function scaledLatency<K extends string>(
  latency: Record<K, LatencySpec>,
  scale: BenchScale,
): Record<K, LatencySpec> {
  if (!scale.smoke) return latency;
  const entries = Object.entries(latency) as Array<[K, LatencySpec]>;
  return Object.fromEntries(
    entries.map(([k, v]) => [k, { ...v, baseMs: Math.round(v.baseMs / 20) }]),
  ) as Record<K, LatencySpec>;
}

export interface SimRunOptions {
  /** The sim server's base URL; absent: the simulated models in process, with no latency. */
  url?: string;
  /** World seed of the in-process simulated models (default 0). */
  simSeed?: number;
  pipeline: PipelineName;
  /** Forward passes and evaluations in flight (the run's `--concurrency`). */
  concurrency: number;
  /** Per-model limit of the large model (backward engine and optimizer); default: the run's. */
  largeConcurrency?: number;
  cachePath?: string;
  cacheMode?: CacheMode;
  /** Validation and test sizes (default BENCH_SPLITS). */
  splits?: { val: number; test: number };
}

export interface SimRun {
  program: Program<unknown>;
  data: { train: unknown[]; val: unknown[]; test: unknown[] };
  models: { backward: ReturnType<ModelPool['forRole']>; optimizer: ReturnType<ModelPool['forRole']> };
  ledger: UsageLedger;
  timeline: CallTimeline;
  close(): void;
}

/** Split sizes: validation and test are evaluated in full around each step, so they stay small. */
export const BENCH_SPLITS = { val: 8, test: 2 };

let bm25: Awaited<ReturnType<typeof loadBm25>> | undefined;

export async function simRun(o: SimRunOptions): Promise<SimRun> {
  const timeline = new CallTimeline();
  const ledger = new UsageLedger({ labels: { experiment: `bench-${o.pipeline}` } });
  const cache = o.cachePath ? new ResponseCache({ path: o.cachePath, mode: o.cacheMode }) : undefined;
  const spec = (model: string) => (o.url ? `openai:${model}@${o.url}` : model);
  const large = spec('sim:large');
  const pool = new ModelPool({
    ledger,
    cache,
    concurrency: o.concurrency,
    controls: { maxRetries: 0 },
    perModel: o.largeConcurrency ? { [large]: { maxConcurrency: o.largeConcurrency } } : undefined,
    create: (s, options) =>
      timeline.wrap(o.url ? createChatModel(s, options) : createSimModel(s, { seed: o.simSeed ?? 0 })),
  });
  const hotpot = taskOf(o.pipeline) === 'hotpot';
  if (hotpot) bm25 ??= await loadBm25();
  const program = createPipeline(o.pipeline, {
    model: pool.forRole('task', spec('sim:task')),
    retriever: hotpot ? bm25?.index : undefined,
  }) as Program<unknown>;
  const splits = await loadTask(o.pipeline);
  const sizes = o.splits ?? BENCH_SPLITS;
  return {
    program: timeline.program(program),
    data: {
      train: [...splits.train],
      val: splits.val.slice(0, sizes.val),
      test: splits.test.slice(0, sizes.test),
    },
    models: { backward: pool.forRole('backward', large), optimizer: pool.forRole('optimizer', large) },
    ledger,
    timeline,
    close: () => cache?.close(),
  };
}

/** A temporary directory for a benchmark's cache and checkpoints, removed by `done()`. */
export function scratchDir(prefix: string): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface BenchTrainOptions {
  /** A method name as `autodiff train --method` knows it (the runner's registry). */
  method: string;
  methodConfig: unknown;
  concurrency: number;
  checkpointPath: string;
  seed?: number;
  onBackward?: (step: number, root: Parameter) => void;
}

/** A training run of `run`'s program through the trainer's public API. */
export function trainRun(run: SimRun, o: BenchTrainOptions): Promise<TrainResult> {
  return train({
    program: run.program,
    data: run.data,
    models: run.models,
    method: o.method,
    registry: methods,
    methodConfig: o.methodConfig,
    trainer: { seed: o.seed ?? 2025, concurrency: o.concurrency },
    usage: run.ledger,
    checkpointPath: o.checkpointPath,
    onBackward: o.onBackward,
  });
}
