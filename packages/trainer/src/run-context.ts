/** The `RunContext` a method sees in one step: evaluation, forward, backward, the RNG and labels. */
import { backward, type Parameter, type Program, sum } from '@llm-autodiff/core';
import { mapLimit } from '@llm-autodiff/llm';
import { TrainerInputError } from './errors';
import { type Evaluation, evaluate } from './evaluate';
import type { MethodModels, Metric, RunContext, ScoredLoss } from './method';
import type { Rng } from './rng';
import type { TrainData } from './run-checks';
import type { TrainerSettings } from './step-records';

export interface RunShared<E> {
  program: Program<E>;
  teacher?: Program<E>;
  data: TrainData<E>;
  models: MethodModels;
  settings: TrainerSettings;
  rng: Rng;
  byId: ReadonlyMap<string, E>;
  /** The run's cache salt (seed and repeat), handed to methods as `run.cacheSalt`. */
  cacheSalt: string;
  log: (line: string) => void;
  onBackward?: (step: number, root: Parameter) => void | Promise<void>;
}

export function runContext<E>(shared: RunShared<E>, step: number, bestVal: number): RunContext<E> {
  const { program, settings, data } = shared;
  const lossScore = async (ex: E): Promise<number> => (await program.forwardLoss(ex)).score;
  const evaluateOn = (
    examples: readonly E[],
    opts: { mustBeat?: number; metric?: Metric } = {},
  ): Promise<Evaluation> =>
    evaluate(program, examples, {
      concurrency: settings.concurrency,
      mustBeat: settings.earlyStopValidation ? opts.mustBeat : undefined,
      score: opts.metric === 'loss' ? lossScore : undefined,
    });
  return {
    program,
    teacher: shared.teacher,
    data,
    models: shared.models,
    rng: shared.rng,
    step,
    bestVal,
    concurrency: settings.concurrency,
    cacheSalt: shared.cacheSalt,
    labels: { step },
    evaluate: evaluateOn,
    validate: (opts = {}) => evaluateOn(data.val, { mustBeat: opts.mustBeat ?? bestVal }),
    forwardLoss: (examples) =>
      mapLimit(examples, settings.concurrency, async (ex): Promise<ScoredLoss> => {
        const r = await program.forwardLoss(ex);
        return { id: program.sampleId(ex), loss: r.loss, score: r.score };
      }),
    backward: async (losses, opts = {}) => {
      const { model = shared.models.backward, ...rest } = opts;
      if (rest.feedbackText !== false && !model)
        throw new TrainerInputError('trainer: backward needs a backward model (models.backward)');
      const root = sum(losses);
      const report = await backward(root, {
        engine: model,
        concurrency: settings.concurrency,
        labels: { step },
        ...rest,
      });
      await shared.onBackward?.(step, root);
      return report;
    },
    backwardDone: async (root) => {
      await shared.onBackward?.(step, root);
    },
    exampleById: (id) => {
      const ex = shared.byId.get(id);
      if (ex === undefined)
        throw new Error(
          `trainer: sample "${id}" is not in the training set (duplicate or changed sample ids?)`,
        );
      return ex;
    },
    log: shared.log,
  };
}
