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
import {
  addUsage,
  checkpointUsage,
  diffUsage,
  emptyGates,
  evaluate,
  pickUsage,
  readCheckpoint,
  type StepRecord,
  type TrainResult,
  train,
} from '@llm-autodiff/trainer';
import { RequestedMeter } from '../costs/requested-budget';
import { runCost, runRoleUsage } from '../costs/run-cost';
import { graphWriter } from '../graph-writer';
import { methods } from '../methods';
import { createModel } from '../model-registry';
import { cutSplits, withTeacher } from '../pipeline-setup';
import { withSampling } from '../presets/sampling';
import { type RoleName, samplingOf } from '../presets/settings';
import { wantsDemosSlot } from '../run-config';
import { trainableValues } from '../trainable-values';
import { packageVersions, sourceCommit } from '../versions';
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
  /** Each call the run requests; `cached`: the response cache served it (no model call, not billed). */
  onCall?: (calls: number, tokens: number, cached: boolean) => void;
}

export interface RunOutcome {
  record: RunRecord;
  steps: unknown[];
}

export const CHECKPOINT_FILE = 'checkpoint.json';

type Example = ExampleOf[TaskName];

function toRunUsage(usage: TrainResult['usage']): Record<string, RunRoleUsage> {
  return Object.fromEntries(Object.entries(usage).map(([role, u]) => [role, runRoleUsage(u)]));
}

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
  const { settings } = spec.preset;
  // An equal-budget level meters every call of the run, cache hits included (costs/requested-budget.ts).
  const meter = spec.budgetLevel ? new RequestedMeter(spec.budgetLevel) : undefined;
  // What the finished steps of an earlier process spent (a resume); this process's calls are in `ledger`.
  const earlier = resume ? checkpointUsage(await readCheckpoint(checkpointPath)) : {};
  if (meter) {
    const spent = runCost({ usage: toRunUsage(earlier) });
    meter.credit(spent.calls, spent.tokens);
  }
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
    const sampled = withSampling(model, samplingOf(settings.models[role]));
    return meter ? meter.wrap(sampled) : sampled;
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
    const trained = await train({
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
    gates: emptyGates(),
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
    usage: toRunUsage(result.usage),
    gates: result.gates,
    steps: result.steps.length,
    wallMs: performance.now() - t0,
    startedAt: startedAt.toISOString(),
    versions: { node: process.version, ...packageVersions(), commit: sourceCommit() },
  };
}
