/**
 * The one place a training run is wired: role models from specs (simulated by default) through one
 * `ModelPool` (one managed model per endpoint + model, shared by the roles that use it) behind the
 * response cache, budget and usage ledger, every call salted with the run's cache salt; the task's pipeline (with its BM25 index for HotPotQA) and
 * splits; the teacher as the same pipeline on the teacher model. `autodiff train`, the benchmarks and the
 * end-to-end tests all start here, so they run the same thing.
 */
import type { Program } from '@llm-autodiff/core';
import {
  type Budget,
  type ChatModel,
  type ModelControls,
  ModelPool,
  type ProviderOptions,
  type ResponseCache,
  type RetryInfo,
  UsageLedger,
} from '@llm-autodiff/llm';
import {
  type ExampleOf,
  loadTask,
  openPipeline,
  type PipelineName,
  type TaskName,
  type TaskProgram,
} from '@llm-autodiff/tasks';
import type { TrainData } from '@llm-autodiff/trainer';
import { createModel } from './model-registry';

/** A model spec per role. */
export interface RoleSpecs {
  task: string;
  backward: string;
  optimizer: string;
  teacher: string;
}

/** The simulated world's models: the default of every run. */
export const SIM_ROLES: RoleSpecs = {
  task: 'sim:task',
  backward: 'sim:large',
  optimizer: 'sim:large',
  teacher: 'sim:teacher',
};

export interface RunSetupOptions {
  pipeline: PipelineName;
  models?: RoleSpecs;
  /** Base URL for `openai:` specs without their own. */
  baseURL?: string;
  /** Provider settings for every model. */
  settings?: ProviderOptions['settings'];
  /** Provider settings added for simulated models only (e.g. `{ seed, latency }`). */
  simSettings?: ProviderOptions['settings'];
  /** Shared by every role; absent = no cache (every call is made). */
  cache?: ResponseCache;
  budget?: Budget;
  /** Default: a new ledger labelled `experiment`. */
  ledger?: UsageLedger;
  experiment?: string;
  /** Use only the first N examples of a split. */
  limits?: { train?: number; val?: number; test?: number };
  /** Build the pipeline with a trainable few-shot slot. */
  demos?: boolean;
  /** The run's cache salt (llm's `runCacheSalt({ seed, repeat })`), part of every call's cache key. */
  runSalt?: string;
  /** Aborting it stops every model from sending (SIGINT / SIGTERM). */
  stopSignal?: AbortSignal;
  /** --timeout, --max-retries, --max-concurrency: for every model, and per model. */
  controls?: { controls?: ModelControls; perModel?: Record<string, ModelControls> };
  /** The run's parallelism: a model without its own maxConcurrency allows at least this many in flight. */
  concurrency?: number;
  /** Each retry of any model (e.g. llm's `retryReporter`). */
  onRetry?: (info: RetryInfo) => void;
}

/** An example of any task (the pipeline is chosen at run time). */
export type TaskExample = ExampleOf[TaskName];

export interface RunSetup {
  program: TaskProgram<TaskExample>;
  /** The same pipeline on the teacher model (its calls recorded with role 'teacher'). */
  teacher: Program<TaskExample>;
  data: TrainData<TaskExample>;
  models: { task: ChatModel; backward: ChatModel; optimizer: ChatModel; teacher: ChatModel };
  /** The shared models behind the roles (`pool.describe()`: ids, roles, controls). */
  pool: ModelPool;
  /** Labels the pipeline's calls (student and teacher) with this step from now on. */
  setStep(step: number): void;
  ledger: UsageLedger;
  /** True when every role is a simulated model. */
  simulated: boolean;
  /** 'simulated model', or the model specs: every report header says which. */
  label: string;
  /** Where the splits came from (local folder or hub). */
  source: string;
}

export async function setupRun(opts: RunSetupOptions): Promise<RunSetup> {
  const specs = opts.models ?? SIM_ROLES;
  const ledger = opts.ledger ?? new UsageLedger({ labels: { experiment: opts.experiment ?? opts.pipeline } });
  const pool = new ModelPool({
    ledger,
    cache: opts.cache,
    budget: opts.budget,
    runSalt: opts.runSalt,
    stopSignal: opts.stopSignal,
    concurrency: opts.concurrency,
    ...opts.controls,
    onRetry: opts.onRetry,
    provider: { baseURL: opts.baseURL, settings: opts.settings },
    // Simulated models also get the sim-only settings (world seed, latency).
    create: (spec, options) =>
      createModel(
        spec,
        spec.startsWith('sim:')
          ? { ...options, settings: { ...options.settings, ...opts.simSettings } }
          : options,
      ),
  });
  const models = pool.bind(specs);
  const simulated = Object.values(specs).every((m) => m.startsWith('sim:'));
  // HotPotQA pipelines get the BM25 index (built once, then read from the disk cache).
  const pipeline = await openPipeline(opts.pipeline, { model: models.task, demos: opts.demos ?? false });
  // Every pipeline call carries its step as a label (ledger per step; a replay's cache miss names it).
  let step = 0;
  const program: TaskProgram<TaskExample> = {
    ...pipeline,
    forwardLoss: (ex, options) => pipeline.forwardLoss(ex, { labels: { step }, ...options }),
    predict: (ex, options) => pipeline.predict(ex, { labels: { step }, ...options }),
  };
  const splits = await loadTask(opts.pipeline);
  const cut = <E>(xs: E[], n?: number): E[] => (n === undefined ? xs : xs.slice(0, n));
  const teacher: Program<TaskExample> = {
    ...program,
    forwardLoss: (ex) =>
      program.forwardLoss(ex, { model: models.teacher, role: 'teacher', labels: { step } }),
    predict: (ex) => program.predict(ex, { model: models.teacher, role: 'teacher', labels: { step } }),
  };
  return {
    program,
    teacher,
    data: {
      train: cut(splits.train, opts.limits?.train),
      val: cut(splits.val, opts.limits?.val),
      test: cut(splits.test, opts.limits?.test),
    },
    models,
    pool,
    setStep: (n) => {
      step = n;
    },
    ledger,
    simulated,
    label: simulated ? 'simulated model' : `models: ${Object.values(specs).join(', ')}`,
    source: splits.source,
  };
}
