/**
 * The one place a training run is wired: role models from specs (simulated by default) through one
 * `ModelPool` (one managed model per endpoint + model, shared by the roles that use it) behind the
 * response cache, budget and usage ledger, every call salted with the run's cache salt, stopped by the
 * run's stop signal, with the run's timeouts and retries; each role's sampling options; the task's
 * pipeline (with its BM25 index for HotPotQA) and splits, every pipeline call labelled with its step;
 * the teacher as the same pipeline on the teacher model; the run manifest (`manifestOf`) a resume is
 * checked against. `autodiff train`, every run of a `repro` sweep (which passes the sweep's shared
 * per-model limits and retriever), the benchmarks (`benchmarks/gdpo-sim.ts`, and `benchmarks/lib/sim-run.ts`,
 * which records every call on a timeline through `wrapModel`) and the end-to-end tests start here, so
 * they run the same thing.
 */
import type { Program } from '@llm-autodiff/core';
import {
  type Budget,
  type ChatModel,
  type ChatOptions,
  type ModelControls,
  ModelPool,
  type ProviderOptions,
  type ResponseCache,
  type RetryInfo,
  type Semaphore,
  UsageLedger,
} from '@llm-autodiff/llm';
import {
  customPipeline,
  type ExampleOf,
  loadTask,
  type ObjectCountParser,
  openPipeline,
  type PipelineName,
  type Retriever,
  type TaskName,
  type TaskProgram,
  taskOf,
} from '@llm-autodiff/tasks';
import type { TrainData } from '@llm-autodiff/trainer';
import { defaultRoleModels, isSimSpec, type RoleModels } from './model-defaults';
import { createModel } from './model-registry';
import { cutSplits, type SplitSizes, withTeacher } from './pipeline-setup';
import { withSampling } from './presets/sampling';
import { type RunManifest, runManifest } from './train/manifest';

/** A model spec per role. */
export type RoleSpecs = RoleModels;

/** The simulated world's models: the default of every run. */
export const SIM_ROLES: RoleSpecs = defaultRoleModels({});

export interface RunSetupOptions {
  /** A built-in pipeline or a custom one (registered with tasks' `registerPipeline`). */
  pipeline: PipelineName | (string & {});
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
  limits?: SplitSizes;
  /** Build the pipeline with a trainable few-shot slot. */
  demos?: boolean;
  /** Sampling options set on every request of a role (a preset's temperature, top_p, max tokens). */
  sampling?: Partial<Record<keyof RoleSpecs, ChatOptions>>;
  /** object-count only: the answer parser (default ours). */
  objectCountParser?: ObjectCountParser;
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
  /** Each model's concurrency limit by canonical id, when shared beyond this run (a sweep's runs). */
  semaphoreFor?: (modelId: string) => Semaphore;
  /** The BM25 retriever of HotPotQA pipelines, when loaded once for several runs; default: loaded here. */
  retriever?: () => Promise<Retriever>;
  /**
   * Wraps each endpoint's provider model, below the managed layer (queue, cache, retries): what it sees
   * is what is sent (a benchmark's call timeline).
   */
  wrapModel?: (model: ChatModel) => ChatModel;
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
  /** The role specs, the run's cache salt and the sampling options the run was wired with (for `manifestOf`). */
  wiring: {
    pipeline: string;
    specs: RoleSpecs;
    runSalt: string | undefined;
    sampling: RunSetupOptions['sampling'];
  };
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
    semaphoreFor: opts.semaphoreFor,
    provider: { baseURL: opts.baseURL, settings: opts.settings },
    // Simulated models also get the sim-only settings (world seed, latency).
    create: (spec, options) => {
      const model = createModel(
        spec,
        isSimSpec(spec) ? { ...options, settings: { ...options.settings, ...opts.simSettings } } : options,
      );
      return opts.wrapModel ? opts.wrapModel(model) : model;
    },
  });
  const bound = pool.bind(specs);
  // Outside the pool (cache included), so the sampling options are part of each request's key.
  const sampled = (role: keyof RoleSpecs): ChatModel =>
    withSampling(bound[role], opts.sampling?.[role] ?? {});
  const models = {
    task: sampled('task'),
    backward: sampled('backward'),
    optimizer: sampled('optimizer'),
    teacher: sampled('teacher'),
  };
  const simulated = Object.values(specs).every(isSimSpec);
  // HotPotQA pipelines get the BM25 index (built once, then read from the disk cache).
  const pipeline = await openPipeline(opts.pipeline, {
    model: models.task,
    retriever: opts.retriever && isHotpot(opts.pipeline) ? await opts.retriever() : undefined,
    demos: opts.demos ?? false,
    objectCountParser: opts.objectCountParser,
  });
  // Every pipeline call carries its step as a label (ledger per step; a replay's cache miss names it).
  let step = 0;
  const program: TaskProgram<TaskExample> = {
    ...pipeline,
    forwardLoss: (ex, options) => pipeline.forwardLoss(ex, { labels: { step }, ...options }),
    predict: (ex, options) => pipeline.predict(ex, { labels: { step }, ...options }),
  };
  const splits = await loadTask(opts.pipeline);
  return {
    program,
    // Its calls go through `program`, so they carry the step label too.
    teacher: withTeacher(program, models.teacher),
    data: cutSplits(splits, opts.limits ?? {}),
    models,
    pool,
    setStep: (n) => {
      step = n;
    },
    ledger,
    simulated,
    label: simulated ? 'simulated model' : `models: ${Object.values(specs).join(', ')}`,
    source: splits.source,
    wiring: { pipeline: opts.pipeline, specs, runSalt: opts.runSalt, sampling: opts.sampling },
  };
}

function isHotpot(pipeline: string): boolean {
  return !customPipeline(pipeline) && taskOf(pipeline as PipelineName) === 'hotpot';
}

/** What `manifestOf` needs besides the setup: the run's identity. */
export interface ManifestIdentity {
  task: string;
  method: string;
  seed: number;
  repeat: number;
  /** The simulated world's seed, when a role uses a sim model. */
  simSeed?: number;
}

/**
 * The run manifest of a wired run (models with their canonical ids, data hashes, salt, sampling,
 * versions): stored in the checkpoint, a resume that differs is refused by the trainer. Train and repro
 * build it here, so both are checked alike.
 */
export function manifestOf(run: RunSetup, id: ManifestIdentity): RunManifest {
  const { pipeline, specs, runSalt, sampling } = run.wiring;
  return runManifest({
    ...id,
    pipeline,
    models: Object.fromEntries(
      Object.entries(specs).map(([role, spec]) => [role, { spec, id: run.pool.model(spec).id }]),
    ),
    data: run.data,
    cacheSalt: runSalt ?? '',
    simSeed: Object.values(specs).some(isSimSpec) ? id.simSeed : undefined,
    sampling: sampling ?? {},
  });
}
