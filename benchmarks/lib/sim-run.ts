/**
 * What the latency-bearing benchmarks share: a HotPotQA (or any) pipeline wired as every run is (the
 * runner's `setupRun`: one model pool, cache, step labels, split sizes) against the simulated server over
 * HTTP or the simulated models in process, every network call recorded on a timeline below the pool.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Parameter, Program } from '@llm-autodiff/core';
import { type CacheMode, type ChatModel, ResponseCache, UsageLedger } from '@llm-autodiff/llm';
import { methods, setupRun } from '@llm-autodiff/runner';
import type { LatencySpec } from '@llm-autodiff/sim';
import type { PipelineName } from '@llm-autodiff/tasks';
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
  models: { backward: ChatModel; optimizer: ChatModel };
  ledger: UsageLedger;
  timeline: CallTimeline;
  close(): void;
}

/** Split sizes: validation and test are evaluated in full around each step, so they stay small. */
export const BENCH_SPLITS = { val: 8, test: 2 };

export async function simRun(o: SimRunOptions): Promise<SimRun> {
  const timeline = new CallTimeline();
  const ledger = new UsageLedger({ labels: { experiment: `bench-${o.pipeline}` } });
  const cache = o.cachePath ? new ResponseCache({ path: o.cachePath, mode: o.cacheMode }) : undefined;
  const spec = (model: string) => (o.url ? `openai:${model}@${o.url}` : model);
  const large = spec('sim:large');
  const run = await setupRun({
    pipeline: o.pipeline,
    models: { task: spec('sim:task'), backward: large, optimizer: large, teacher: spec('sim:teacher') },
    ledger,
    cache,
    concurrency: o.concurrency,
    controls: {
      controls: { maxRetries: 0 },
      perModel: o.largeConcurrency ? { [large]: { maxConcurrency: o.largeConcurrency } } : undefined,
    },
    simSettings: { seed: o.simSeed ?? 0 },
    limits: o.splits ?? BENCH_SPLITS,
    // Below the pool: a call is on the timeline when it is sent, not when it is asked for.
    wrapModel: (model) => timeline.wrap(model),
  });
  return {
    program: timeline.program(run.program as Program<unknown>),
    data: run.data as SimRun['data'],
    models: { backward: run.models.backward, optimizer: run.models.optimizer },
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
