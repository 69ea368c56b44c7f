/**
 * THE adapter between the sweep and the methods: `runOne(spec, context)` trains one run with any method
 * of the trainer's registry (`start`, the starting prompt evaluated only, included) and returns its RunRecord and
 * step records. Progress comes from the trainer's `onStepDone` hook.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ChatModel,
  managedModel,
  type ResponseCache,
  runCacheSalt,
  type Semaphore,
  UsageLedger,
} from '@llm-autodiff/llm';
import { deriveSimSeed } from '@llm-autodiff/sim';
import {
  createPipeline,
  customPipeline,
  type ExampleOf,
  loadTask,
  type PipelineName,
  type Retriever,
  type TaskName,
  type TaskProgram,
  taskOf,
} from '@llm-autodiff/tasks';
import { type TrainResult, train } from '@llm-autodiff/trainer';
import { graphWriter } from '../graph-writer';
import { methods } from '../methods';
import { createModel } from '../model-registry';
import { cutSplits, withTeacher } from '../pipeline-setup';
import { withSampling } from '../presets/sampling';
import { type RoleName, samplingOf } from '../presets/settings';
import { wantsDemosSlot } from '../run-config';
import { packageVersions } from '../versions';
import type { RunSpec } from './plan';
import { RUN_RECORD_FORMAT, type RunRecord, type RunRoleUsage } from './run-record';

export interface RunProgress {
  step: number;
  totalSteps: number;
  bestVal?: number;
  /** Gate results of the last finished step, e.g. `mini-batch 1/2, validation 0/1`. */
  gates?: string;
}

export interface RunContext {
  cache: ResponseCache | undefined;
  /** One concurrency limit per model id, shared by every run of the sweep. */
  semaphoreFor: (modelId: string) => Semaphore;
  /** The BM25 retriever for HotPotQA pipelines, loaded once per sweep. */
  retriever: () => Promise<Retriever>;
  baseURL?: string;
  /** Resume from `checkpoint.json` in the run folder. */
  resume: boolean;
  onProgress?: (p: RunProgress) => void;
  onCall?: (calls: number, tokens: number) => void;
}

export interface RunOutcome {
  record: RunRecord;
  steps: unknown[];
}

export const CHECKPOINT_FILE = 'checkpoint.json';

type Example = ExampleOf[TaskName];

/** Tokens the cache hits of this process would have cost, per role (compare counts requested tokens). */
function cacheHitTokens(ledger: UsageLedger): Record<string, number> {
  return Object.fromEntries(Object.entries(ledger.byRole()).map(([role, u]) => [role, u.cacheHitTokens]));
}

function toRunUsage(
  usage: TrainResult['usage'],
  hitTokens: Record<string, number>,
): Record<string, RunRoleUsage> {
  const out: Record<string, RunRoleUsage> = {};
  for (const [role, u] of Object.entries(usage))
    out[role] = {
      calls: u.calls,
      cacheHits: u.cacheHits,
      promptTokens: u.promptTokens,
      completionTokens: u.completionTokens,
      totalTokens: u.promptTokens + u.completionTokens,
      cacheHitTokens: hitTokens[role] ?? 0,
      latencyMs: u.latencyMs,
    };
  return out;
}

function trainableValues(program: TaskProgram<Example>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of program.parameters())
    if (p.trainable && (p.kind === 'prompt' || p.kind === 'demos')) out[p.name] = p.value;
  return out;
}

export async function runOne(spec: RunSpec, ctx: RunContext): Promise<RunOutcome> {
  const startedAt = new Date();
  const t0 = performance.now();
  const ledger = new UsageLedger({ labels: { experiment: spec.experiment, run: spec.runId } });
  const unsubscribe = ledger.subscribe((e) => {
    if (!e.cacheHit) ctx.onCall?.(1, e.promptTokens + e.completionTokens);
  });
  const checkpointPath = join(spec.dir, CHECKPOINT_FILE);
  const resume = ctx.resume && existsSync(checkpointPath);
  // Each repeat meets its own simulated world, as repeats with a real model sample differently.
  const simSeed = deriveSimSeed(spec.seed, spec.repeat);
  const { settings } = spec.preset;
  const managed = (role: RoleName): ChatModel => {
    const modelSpec = spec.models[role];
    const simSettings = modelSpec.startsWith('sim:') ? { seed: simSeed } : undefined;
    const inner = createModel(modelSpec, { baseURL: ctx.baseURL, settings: simSettings });
    const model = managedModel(inner, {
      ledger,
      cache: ctx.cache,
      // Repeats meet different worlds (and real models sample afresh): their cache entries must differ.
      runSalt: runCacheSalt({ seed: spec.seed, repeat: spec.repeat }),
      limits: { semaphore: ctx.semaphoreFor(inner.id) },
    });
    // Every request of the role carries the preset's sampling options, as in `autodiff train`.
    return withSampling(model, samplingOf(settings.models[role]));
  };
  const task = managed('task');
  const hotpot = !customPipeline(spec.pipeline) && taskOf(spec.pipeline as PipelineName) === 'hotpot';
  const retriever = hotpot ? await ctx.retriever() : undefined;
  const program = createPipeline(spec.pipeline, {
    model: task,
    retriever,
    demos: wantsDemosSlot(spec.methodId.base, spec.methodConfig),
    objectCountParser: settings.pipeline.objectCountParser,
  });
  const data = cutSplits(await loadTask(spec.pipeline), spec.sizes);
  const initialValues = trainableValues(program);

  try {
    const backward = managed('backward');
    const optimizer = managed('optimizer');
    const teacher = withTeacher(program, managed('teacher'));
    const result = await train({
      program,
      teacher,
      data,
      models: { optimizer, backward },
      method: methods.get(spec.methodId.base),
      // Each method's own config (plan.ts: GDPO's fields of `config`, or `methodConfig.<method>`).
      methodConfig: resume ? undefined : spec.methodConfig,
      trainer: resume ? undefined : settings.trainer,
      usage: ledger,
      budget: spec.budget,
      checkpointPath,
      resume,
      // Seed and repeat salt every method's samples (e.g. GDPO's proposals): repeats sample afresh.
      cacheSalt: runCacheSalt({ seed: spec.seed, repeat: spec.repeat }),
      // The report shows each step's backward graph (run-record.ts: graphs/step-NN.json|.dot|.mmd).
      onBackward: graphWriter(join(spec.dir, 'graphs')),
      onStepDone: (record, run) => {
        const g = record.gates;
        ctx.onProgress?.({
          step: record.step,
          totalSteps: run.totalSteps,
          bestVal: record.valScore,
          gates: `mini-batch ${g.miniBatchPassed}/${g.miniBatchPassed + g.miniBatchFailed}, validation ${g.validationPassed}/${g.validationPassed + g.validationFailed}`,
        });
      },
    });
    const hitTokens = cacheHitTokens(ledger);
    // Per-example test scores for bootstrap CIs come from the trainer's own test evaluations.
    const testScores = result.partial ? undefined : result.testScores.final;
    const initialTestScores = result.testScores.initial;
    return {
      record: toRecord(spec, result, {
        startedAt,
        t0,
        initialValues,
        testScores,
        initialTestScores,
        hitTokens,
      }),
      steps: result.steps,
    };
  } finally {
    unsubscribe();
  }
}

interface RecordExtras {
  startedAt: Date;
  t0: number;
  initialValues: Record<string, unknown>;
  testScores: Record<string, number> | undefined;
  initialTestScores: Record<string, number> | undefined;
  hitTokens: Record<string, number>;
}

function toRecord(
  spec: RunSpec,
  result: TrainResult,
  { startedAt, t0, initialValues, testScores, initialTestScores, hitTokens }: RecordExtras,
): RunRecord {
  // A run stopped before its initial evaluation finished has no score at all; none is invented.
  const { initial } = result;
  if (!initial)
    throw new Error(
      `${spec.runId}: stopped before its initial evaluation finished (${result.stopReason ?? 'stopped'}); no scores to record, resume it`,
    );
  return {
    format: RUN_RECORD_FORMAT,
    experiment: spec.experiment,
    runId: spec.runId,
    pipeline: spec.pipeline,
    method: spec.method,
    repeat: spec.repeat,
    seed: spec.seed,
    simulated: spec.simulated,
    ...(spec.simulated ? { simSeed: deriveSimSeed(spec.seed, spec.repeat) } : {}),
    status: result.partial ? 'partial' : 'done',
    stopReason: result.stopReason,
    models: { ...spec.models },
    preset: {
      name: spec.preset.preset,
      source: spec.preset.source,
      overridden: spec.preset.overridden,
      settings: spec.preset.settings,
    },
    config: { ...result.trainer, ...(result.methodConfig as Record<string, unknown>) },
    initial,
    final: { val: result.final.val ?? initial.val, test: result.final.test },
    testScores,
    initialTestScores,
    values: { initial: initialValues, final: result.values },
    usage: toRunUsage(result.usage, hitTokens),
    gates: result.gates,
    steps: result.steps.length,
    wallMs: performance.now() - t0,
    startedAt: startedAt.toISOString(),
    versions: { node: process.version, ...packageVersions() },
  };
}
