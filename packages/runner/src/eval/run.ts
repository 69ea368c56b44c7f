/**
 * `autodiff eval`'s work: score parameter values on a split without training — a published prompt on
 * your pipeline, a run's final values on another world seed, a hand-written prompt against the start.
 * The output has the top-level `score` (0..1), `n`, `split`, `values` (every parameter's value used, by
 * name) and the task model's usage. Every input mistake is an `EvalInputError` before any model call.
 */
import { deriveSimSeed } from '@llm-autodiff/sim';
import { PIPELINE_NAMES, type PipelineName, TASK_NAMES, taskOf } from '@llm-autodiff/tasks';
import { DEFAULT_TRAINER_SETTINGS, evaluate } from '@llm-autodiff/trainer';
import { defaultRoleModels, isSimSpec } from '../model-defaults';
import { checkModelSpec } from '../model-registry';
import { setupRun } from '../run-setup';
import { checkValues, EvalInputError, readValuesFile } from './values';

const DEFAULT_PIPELINE: Record<string, PipelineName> = {
  'object-count': 'object-count',
  trec: 'trec',
  hotpot: 'hotpot-vanilla',
};

export interface EvalOptions {
  task: string;
  pipeline?: string;
  /** A values file (any shape `values.ts` reads). */
  values?: string;
  /** Values given in code (scripts): used instead of a file. */
  valueMap?: Record<string, unknown>;
  split: 'val' | 'test';
  simSeed?: number;
  taskModel: string;
  size?: number;
  concurrency: number;
  out?: string;
}

export interface EvalOutput {
  score: number;
  n: number;
  split: 'val' | 'test';
  task: string;
  pipeline: PipelineName;
  values: Record<string, unknown>;
  valuesFrom: string;
  model: string;
  simulated: boolean;
  simSeed?: number;
  perExample: Record<string, number>;
  usage: { calls: number; promptTokens: number; completionTokens: number; totalTokens: number };
}

/** Scores the values on the split. */
export async function runEval(o: EvalOptions): Promise<EvalOutput> {
  if (!(TASK_NAMES as readonly string[]).includes(o.task))
    throw new EvalInputError(`unknown task "${o.task}"; expected one of ${TASK_NAMES.join(', ')}`);
  const pipeline = (o.pipeline ?? DEFAULT_PIPELINE[o.task]) as PipelineName;
  if (!(PIPELINE_NAMES as readonly string[]).includes(pipeline))
    throw new EvalInputError(`unknown pipeline "${pipeline}"; expected one of ${PIPELINE_NAMES.join(', ')}`);
  if (taskOf(pipeline) !== o.task)
    throw new EvalInputError(`pipeline "${pipeline}" belongs to task "${taskOf(pipeline)}", not "${o.task}"`);
  const specProblem = checkModelSpec(o.taskModel);
  if (specProblem) throw new EvalInputError(`--task-model: ${specProblem}`);
  const given = o.valueMap
    ? { values: o.valueMap, source: 'values given in code' }
    : o.values
      ? await readValuesFile(o.values)
      : { values: {}, source: 'the starting prompts' };
  const models = defaultRoleModels({ task: o.taskModel });
  const simulated = isSimSpec(o.taskModel);
  const simSeed = simulated ? (o.simSeed ?? deriveSimSeed(DEFAULT_TRAINER_SETTINGS.seed, 0)) : undefined;
  const limits = o.size === undefined ? {} : { [o.split]: o.size };
  const run = await setupRun({
    pipeline,
    models,
    simSettings: simSeed === undefined ? undefined : { seed: simSeed },
    limits,
    experiment: `eval-${pipeline}`,
    demos: false,
  });
  const params = run.program.parameters();
  const set = checkValues(
    given.values,
    params.map((p) => ({ name: p.name, kind: p.kind })),
  );
  for (const p of params) if (set.has(p.name)) p.value = set.get(p.name) as typeof p.value;
  const examples = run.data[o.split];
  if (examples.length === 0) throw new EvalInputError(`the ${o.split} split is empty`);
  const result = await evaluate(run.program, examples, { concurrency: o.concurrency });
  const usage = run.ledger.byRole().task;
  return {
    score: result.score,
    n: result.total,
    split: o.split,
    task: o.task,
    pipeline,
    values: Object.fromEntries(params.map((p) => [p.name, p.value])),
    valuesFrom: o.values ? `${given.source} ${o.values}` : given.source,
    model: o.taskModel,
    simulated,
    simSeed,
    perExample: result.perItem,
    usage: {
      calls: usage?.calls ?? 0,
      promptTokens: usage?.promptTokens ?? 0,
      completionTokens: usage?.completionTokens ?? 0,
      totalTokens: usage?.totalTokens ?? 0,
    },
  };
}
