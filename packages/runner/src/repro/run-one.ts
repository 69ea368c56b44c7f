/**
 * THE adapter between the sweep and the methods: `runOne(spec, context)` trains one run with any method
 * of the trainer's registry (`start`, the starting prompt evaluated only, included) and returns its
 * RunRecord and step records. The run is wired by `setupRun`, as `autodiff train` wires one (models and
 * sampling, pipeline, cache salt, stop signal, timeouts and retries, step labels, the manifest a resume is
 * checked against), with the sweep's shared per-model limits and retriever. Progress comes from the
 * trainer's `onStepDone` hook.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ChatModel,
  type ResponseCache,
  type RetryInfo,
  runCacheSalt,
  type Semaphore,
  UsageLedger,
} from '@llm-autodiff/llm';
import { deriveSimSeed } from '@llm-autodiff/sim';
import {
  customPipeline,
  type ExampleOf,
  type PipelineName,
  type Retriever,
  type TaskName,
  type TaskProgram,
  taskOf,
} from '@llm-autodiff/tasks';
import {
  addUsage,
  checkpointUsage,
  diffUsage,
  evaluate,
  gateTotals,
  pickUsage,
  readCheckpoint,
  type StepRecord,
  stepLine,
  type TrainResult,
  train,
} from '@llm-autodiff/trainer';
import { RequestedMeter } from '../costs/requested-budget';
import { runCost, runUsage } from '../costs/run-cost';
import { graphWriter } from '../graph-writer';
import { methods } from '../methods';
import { samplingByRole } from '../presets/settings';
import { teacherOf, wantsDemosSlot } from '../run-config';
import { manifestOf, type RunSetupOptions, setupRun } from '../run-setup';
import { trainableValues } from '../trainable-values';
import { packageVersions, sourceCommit } from '../versions';
import type { RunSpec } from './plan';
import { RUN_RECORD_FORMAT, type RunRecord } from './run-record';

export interface RunProgress {
  step: number;
  totalSteps: number;
  bestVal?: number;
  /** The last finished step in every method's words, then the method's own summary (trainer's `stepLine`). */
  line?: string;
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
  /** Each call the run requests; `cached`: the response cache served it (no model call, not billed). */
  onCall?: (calls: number, tokens: number, cached: boolean) => void;
  /** The sweep's stop signal (SIGINT / SIGTERM): no new call is sent, the run keeps its checkpoint. */
  signal?: AbortSignal;
  /** --timeout, --max-retries, --max-concurrency: for every model, and per model (as train's). */
  controls?: RunSetupOptions['controls'];
  /** Each retry of any model (e.g. llm's `retryReporter`). */
  onRetry?: (info: RetryInfo) => void;
}

export interface RunOutcome {
  record: RunRecord;
  steps: unknown[];
}

export const CHECKPOINT_FILE = 'checkpoint.json';

type Example = ExampleOf[TaskName];

export async function runOne(spec: RunSpec, ctx: RunContext): Promise<RunOutcome> {
  const startedAt = new Date();
  const t0 = performance.now();
  const ledger = new UsageLedger({ labels: { experiment: spec.experiment, run: spec.runId } });
  const unsubscribe = ledger.subscribe((e) => {
    ctx.onCall?.(1, e.promptTokens + e.completionTokens, e.cacheHit);
  });
  const checkpointPath = join(spec.dir, CHECKPOINT_FILE);
  const resume = ctx.resume && existsSync(checkpointPath);
  // Each repeat meets its own simulated world, as repeats with a real model sample differently.
  const simSeed = deriveSimSeed(spec.seed, spec.repeat);
  // Repeats meet different worlds (and real models sample afresh): their cache entries must differ.
  const runSalt = runCacheSalt({ seed: spec.seed, repeat: spec.repeat });
  const { settings } = spec.preset;
  // An equal-budget level meters every call of the run, cache hits included (costs/requested-budget.ts).
  const meter = spec.budgetLevel ? new RequestedMeter(spec.budgetLevel) : undefined;
  // What the finished steps of an earlier process spent (a resume); this process's calls are in `ledger`.
  const earlier = resume ? checkpointUsage(await readCheckpoint(checkpointPath)) : {};
  if (meter) {
    const spent = runCost({ usage: runUsage(earlier) });
    meter.credit(spent.calls, spent.tokens);
  }
  // Wired as `autodiff train` wires a run, with the sweep's shared per-model limits and retriever.
  const run = await setupRun({
    pipeline: spec.pipeline,
    models: spec.models,
    baseURL: ctx.baseURL,
    cache: ctx.cache,
    ledger,
    limits: spec.sizes,
    demos: wantsDemosSlot(spec.methodId.base, spec.methodConfig),
    simSettings: { seed: simSeed },
    // Every request of a role carries the preset's sampling options, as in `autodiff train`.
    sampling: samplingByRole(settings.models),
    objectCountParser: settings.pipeline.objectCountParser,
    runSalt,
    stopSignal: ctx.signal,
    concurrency: settings.trainer.concurrency,
    controls: ctx.controls,
    onRetry: ctx.onRetry,
    semaphoreFor: ctx.semaphoreFor,
    retriever: ctx.retriever,
    ...(meter ? { wrapModel: (model: ChatModel) => meter.wrap(model) } : {}),
  });
  const { program, data } = run;
  const initialValues = trainableValues(program);

  try {
    // The DSPy-style methods bootstrap from the student unless the experiment names a teacher.
    const teacherSpec = teacherOf(spec.methodId.base, spec.methodConfig, spec.models);
    const trained = await train({
      program,
      teacher: teacherSpec === 'student' ? undefined : run.teacher,
      data,
      models: { optimizer: run.models.optimizer, backward: run.models.backward },
      method: methods.get(spec.methodId.base),
      // Each method's own config (plan.ts: GDPO's fields of `config`, or `methodConfig.<method>`) and the
      // trainer settings, given on resume too: a run resumed with another setting is refused, as in train.
      methodConfig: spec.methodConfig,
      trainer: settings.trainer,
      usage: ledger,
      budget: spec.budget,
      checkpointPath,
      resume,
      // Seed and repeat salt every method's samples (e.g. GDPO's proposals): repeats sample afresh.
      cacheSalt: runSalt,
      manifest: manifestOf(run, {
        task: customPipeline(spec.pipeline) ? spec.pipeline : taskOf(spec.pipeline as PipelineName),
        method: spec.method,
        seed: spec.seed,
        repeat: spec.repeat,
        simSeed,
      }),
      signal: ctx.signal,
      onStep: run.setStep,
      // The report shows each step's backward graph (run-record.ts: graphs/step-NN.json|.dot|.mmd).
      onBackward: graphWriter(join(spec.dir, 'graphs')),
      onStepDone: (record, run) => {
        ctx.onProgress?.({
          step: record.step,
          totalSteps: run.totalSteps,
          bestVal: record.valScore,
          line: stepLine(record),
        });
      },
    });
    meter?.release();
    const tested = meter
      ? await testAfterBudgetStop(trained, {
          program,
          test: data.test,
          concurrency: settings.trainer.concurrency,
          ledger,
          checkpointPath,
        })
      : trained;
    // Every call of the run, those of a step a stop interrupted included (the trainer's usage sums its
    // finished steps only): the earlier process's checkpointed steps plus this process's ledger.
    const result = { ...tested, usage: addUsage(earlier, pickUsage(ledger.byRole())) };
    // Per-example test scores for bootstrap CIs come from the trainer's own test evaluations.
    const testScores = result.partial ? undefined : result.testScores.final;
    const initialTestScores = result.testScores.initial;
    return {
      record: {
        ...toRecord(spec, result, { startedAt, t0, initialValues, testScores, initialTestScores }),
        ...(spec.budgetLevel && meter
          ? { budgetLevel: { ...spec.budgetLevel, usedUp: trained.stopKind === 'budget' || meter.reached } }
          : {}),
      },
      steps: result.steps,
    };
  } finally {
    unsubscribe();
  }
}

/**
 * A run stopped by its equal-budget level keeps its best validated values (the trainer's checkpoint of
 * its last finished step); they are tested outside the budget, as a run that finished under it was, so
 * every method of a level has a test score. The evaluation's calls are added to the run's usage.
 */
async function testAfterBudgetStop(
  result: TrainResult,
  o: {
    program: TaskProgram<Example>;
    test: readonly Example[];
    concurrency: number;
    ledger: UsageLedger;
    checkpointPath: string;
  },
): Promise<TrainResult> {
  if (!result.partial || result.stopKind !== 'budget' || !result.initial) return result;
  const best = (await readCheckpoint(o.checkpointPath)).values;
  for (const p of o.program.parameters()) if (p.name in best) p.value = best[p.name];
  const u0 = pickUsage(o.ledger.byRole());
  const t0 = performance.now();
  const test = await evaluate(o.program, o.test, { concurrency: o.concurrency });
  const usage = diffUsage(pickUsage(o.ledger.byRole()), u0);
  const last = result.steps.at(-1)?.step ?? 0;
  const record: StepRecord = {
    step: last + 1,
    phase: 'final',
    batch: [],
    subset: [],
    tried: 0,
    attempts: [],
    accepted: false,
    valScore: result.final.val ?? result.initial.val,
    testScore: test.score,
    usage,
    wallMs: performance.now() - t0,
  };
  return {
    ...result,
    partial: false,
    final: { ...result.final, test: test.score },
    testScores: { ...result.testScores, final: test.perItem },
    values: { ...result.values, ...best },
    steps: [...result.steps, record],
  };
}

interface RecordExtras {
  startedAt: Date;
  t0: number;
  initialValues: Record<string, unknown>;
  testScores: Record<string, number> | undefined;
  initialTestScores: Record<string, number> | undefined;
}

function toRecord(
  spec: RunSpec,
  result: TrainResult,
  { startedAt, t0, initialValues, testScores, initialTestScores }: RecordExtras,
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
    teacher: teacherOf(spec.methodId.base, spec.methodConfig, spec.models),
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
    usage: runUsage(result.usage),
    ...(result.spent ? { spent: result.spent } : {}),
    // Only a method whose proposals pass gates (GDPO, GEPA) has gate counts; the others record none.
    gates: gateTotals(result.steps),
    steps: result.steps.length,
    wallMs: performance.now() - t0,
    startedAt: startedAt.toISOString(),
    versions: { node: process.version, ...packageVersions(), commit: sourceCommit() },
  };
}
