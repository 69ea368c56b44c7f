/**
 * Runs a planned experiment: the runs execute in a bounded pool (the experiment's `concurrency`), each
 * model's concurrency limit shared across runs; each finished run writes steps.jsonl then run.json
 * (atomically, last). An interrupted sweep resumes: runs whose run.json says done are skipped, an
 * unfinished run continues from its checkpoint.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CacheMissError,
  mapLimit,
  type ResponseCache,
  Semaphore,
  writeFileAtomic,
  writeJsonAtomic,
} from '@llm-autodiff/llm';
import { customPipeline, loadBm25, type PipelineName, type Retriever, taskOf } from '@llm-autodiff/tasks';
import type { Plan, RunSpec } from './plan';
import { experimentJson } from './preflight';
import type { SweepProgress } from './progress';
import { CHECKPOINT_FILE, type RunContext, runOne } from './run-one';
import { parseRunRecord } from './run-record';

export interface SweepOptions {
  cache: ResponseCache | undefined;
  baseURL?: string;
  progress: SweepProgress;
  /** Calls in flight per model id (default 4), shared by all runs. */
  modelConcurrency?: number;
  /** A replay: after a run's cache miss no further run starts (the cache cannot serve the sweep). */
  stopOnCacheMiss?: boolean;
  /**
   * SIGINT / SIGTERM: no further run starts, runs in flight send no new call and keep their checkpoints
   * (resumed by the next sweep); what they had finished is saved.
   */
  signal?: AbortSignal;
  /** Timeouts, retries and per-model controls of every run, with the retry reporter (as train's). */
  controls?: RunContext['controls'];
  onRetry?: RunContext['onRetry'];
}

export interface SweepResult {
  done: string[];
  skipped: string[];
  partial: string[];
  failed: Array<{ runId: string; message: string }>;
  /** Runs the stop signal ended before they had a score (resumed by the next sweep). */
  stopped: string[];
  /** The first cache miss of a replay (the sweep stopped there). */
  cacheMiss?: CacheMissError;
}

/** True when the run's run.json exists and says done. */
export function isDone(spec: RunSpec): boolean {
  const file = join(spec.dir, 'run.json');
  if (!existsSync(file)) return false;
  try {
    return parseRunRecord(JSON.parse(readFileSync(file, 'utf8')), file).status === 'done';
  } catch {
    return false;
  }
}

/**
 * What the runs of one sweep share: one concurrency limit per model id (default 4 calls in flight) and
 * the BM25 retriever, loaded on first use.
 */
export function sharedRunResources(modelConcurrency = 4): Pick<RunContext, 'semaphoreFor' | 'retriever'> {
  const semaphores = new Map<string, Semaphore>();
  const semaphoreFor = (id: string): Semaphore => {
    let s = semaphores.get(id);
    if (!s) {
      s = new Semaphore(modelConcurrency);
      semaphores.set(id, s);
    }
    return s;
  };
  let bm25: Promise<Retriever> | undefined;
  const retriever = (): Promise<Retriever> => {
    bm25 ??= loadBm25().then((l) => l.index);
    return bm25;
  };
  return { semaphoreFor, retriever };
}

/**
 * Loads the BM25 corpus before the first HotPotQA run starts its clock, so no run's wall-clock carries
 * it (it made the first hotpot run of a sweep look 3x slower than the others). Reported apart.
 */
async function preloadCorpus(
  todo: readonly RunSpec[],
  retriever: () => Promise<Retriever>,
  progress: SweepProgress,
): Promise<void> {
  const hotpot = todo.some(
    (s) => !customPipeline(s.pipeline) && taskOf(s.pipeline as PipelineName) === 'hotpot',
  );
  if (!hotpot) return;
  const t0 = performance.now();
  await retriever();
  progress.note(
    `HotPotQA corpus loaded for BM25 in ${((performance.now() - t0) / 1000).toFixed(1)} s (charged to no run)`,
  );
}

export async function runSweep(plan: Plan, options: SweepOptions): Promise<SweepResult> {
  await writeJsonAtomic(join(plan.root, 'experiment.json'), experimentJson(plan));
  const { semaphoreFor, retriever } = sharedRunResources(options.modelConcurrency);
  const result: SweepResult = { done: [], skipped: [], partial: [], failed: [], stopped: [] };
  const { progress } = options;
  const todo: RunSpec[] = [];
  for (const spec of plan.runs) {
    if (isDone(spec)) {
      progress.skipped(spec);
      result.skipped.push(spec.runId);
    } else todo.push(spec);
  }
  await preloadCorpus(todo, retriever, progress);
  const stopped = () =>
    options.signal?.aborted === true || (options.stopOnCacheMiss === true && result.cacheMiss !== undefined);
  await mapLimit(
    todo,
    plan.experiment.concurrency,
    async (spec) => {
      const resumed = existsSync(join(spec.dir, CHECKPOINT_FILE));
      progress.runStarted(spec, resumed);
      try {
        await mkdir(spec.dir, { recursive: true });
        const { record, steps } = await runOne(spec, {
          cache: options.cache,
          semaphoreFor,
          retriever,
          baseURL: options.baseURL,
          resume: true,
          signal: options.signal,
          controls: options.controls,
          onRetry: options.onRetry,
          onProgress: (p) => progress.runProgress(spec, p),
          onCall: (calls, tokens, cached) => progress.runCall(spec, calls, tokens, cached),
        });
        parseRunRecord(record, join(spec.dir, 'run.json'));
        await writeFileAtomic(
          join(spec.dir, 'steps.jsonl'),
          steps.map((s) => `${JSON.stringify(s)}\n`).join(''),
        );
        await writeJsonAtomic(join(spec.dir, 'run.json'), record);
        const calls = Object.values(record.usage).reduce((a, u) => a + u.calls, 0);
        const test = record.final.test === undefined ? 'n/a' : record.final.test.toFixed(4);
        progress.runFinished(
          spec,
          `${record.status}${record.stopReason ? ` (${record.stopReason})` : ''}; val ${record.initial.val.toFixed(4)} -> ${record.final.val.toFixed(4)}, test ${record.initial.test.toFixed(4)} -> ${test}; ${calls} calls; ${(record.wallMs / 1000).toFixed(1)} s`,
        );
        (record.status === 'done' ? result.done : result.partial).push(spec.runId);
      } catch (e) {
        if (options.signal?.aborted) {
          // Stopped before it had a score: its checkpoint (if any) is resumed by the next sweep.
          progress.runFailed(spec, `stopped (${String(options.signal.reason)}); resumes on the next run`);
          result.stopped.push(spec.runId);
          return;
        }
        const message = (e as Error).message.split('\n')[0] ?? String(e);
        progress.runFailed(spec, message);
        result.failed.push({ runId: spec.runId, message });
        if (e instanceof CacheMissError) result.cacheMiss ??= e;
        if (process.env.AUTODIFF_DEBUG) process.stderr.write(`${(e as Error).stack ?? ''}\n`);
      }
    },
    stopped,
  );
  return result;
}
