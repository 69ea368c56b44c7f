import { runSample, type SampleOptions } from './context';
import { AutodiffError } from './errors';
import { loss } from './loss';
import type { Demo } from './parameter';
import { defaultDisplay, isParameter, type Parameter, type Traced } from './parameter';
import type { Prediction, Program } from './program';

/**
 * What a workflow provides; `defineProgram` turns it into a `Program` (eval mode with the eval metric,
 * train mode with the loss). The same `forward` runs in both modes: components return plain values in
 * eval mode and graph nodes in train mode.
 *
 * `E` is an example, `V` the final output of `forward`, `A` the answer read from it (default: `V`).
 */
export interface ProgramSpec<E, V, A = unknown> {
  name: string;
  /** Every parameter of the workflow (trainable or not); optimizers edit the trainable ones. */
  parameters: Parameter[];
  /**
   * The example fields the workflow reads (e.g. `['id', 'items', 'count']`). Optional; when given, a
   * data file whose row lacks one is refused naming the file, line and field, instead of the workflow
   * silently reading `undefined`.
   */
  fields?: readonly string[];
  /** A unique, stable id per example (checkpoints, gradients and reports are keyed by it). */
  sampleId(example: E): string;
  /** The workflow body; returns the final output (plain in eval mode, a node in train mode). */
  forward(example: E): Promise<Traced<V>>;
  /** The predicted answer inside the final output, e.g. the parsed count (default: the output itself). */
  answer?(output: V): A;
  /** Raw text behind the answer, for logs and reports (default: the answer, shown as text). */
  text?(output: V): string;
  /** A parse or workflow error, when the answer could not be read. */
  error?(output: V): string | undefined;
  /** Eval metric in [0, 1] of the predicted answer. */
  evalMetric(example: E, answer: A): number;
  /** Loss metric in [0, 1] of the predicted answer (e.g. F1 where the eval metric is EM); default: the eval metric. */
  lossMetric?(example: E, answer: A): number;
  /** The expected answer, shown to the backward engine. */
  groundTruth(example: E): unknown;
  /** The question, shown to the backward engine by the loss. */
  question?(example: E): string;
  /** Name and description of the loss, shown to the backward engine (default: the eval metric). */
  loss?: { name: string; description: string };
  /** The example with its gold answer as a demo (pipelines with a demos slot; the reference's raw shots). */
  goldDemo?(example: E): Demo;
}

/** A `Program`, plus per-call sample options (e.g. a teacher model for demo bootstrapping). */
export interface DefinedProgram<E> extends Program<E> {
  predict(example: E, options?: SampleOptions): Promise<Prediction>;
  forwardLoss(example: E, options?: SampleOptions): Promise<{ loss: Parameter<number>; score: number }>;
}

/** A workflow as a `Program` that `train()`, `evaluate()` and the optimizers accept. */
export function defineProgram<E, V, A = unknown>(spec: ProgramSpec<E, V, A>): DefinedProgram<E> {
  if (!spec || typeof spec.name !== 'string' || !spec.name)
    throw new AutodiffError('defineProgram(spec): `name` is required');
  for (const key of ['sampleId', 'forward', 'evalMetric', 'groundTruth'] as const) {
    if (typeof spec[key] !== 'function')
      throw new AutodiffError(`\`${key}\` must be a function`, `defineProgram '${spec.name}'`);
  }
  if (!Array.isArray(spec.parameters))
    throw new AutodiffError('`parameters` must be an array of Parameters', `defineProgram '${spec.name}'`);
  const answerOf = (output: V): A => (spec.answer ? spec.answer(output) : (output as unknown as A));
  const textOf = (output: V): string => (spec.text ? spec.text(output) : defaultDisplay(answerOf(output)));
  const lossMetric = spec.lossMetric ?? spec.evalMetric;
  const lossInfo = spec.loss ?? { name: `${spec.name}.loss`, description: 'eval metric' };
  const checkedId = (example: E): string => {
    const id = spec.sampleId(example);
    if (typeof id !== 'string' || id === '')
      throw new AutodiffError(
        `the example has no sample id (sampleId returned ${JSON.stringify(id)})`,
        spec.name,
      );
    return id;
  };
  return {
    name: spec.name,
    ...(spec.fields ? { fields: [...spec.fields] } : {}),
    parameters: () => [...spec.parameters],
    sampleId: checkedId,
    predict: async (example, options) =>
      runSample(
        checkedId(example),
        'eval',
        async () => {
          const out = await spec.forward(example);
          // Eval mode returns plain values; unwrap defensively in case a component returned a node.
          const value = (isParameter(out) ? out.value : out) as V;
          const error = spec.error?.(value);
          return {
            value: answerOf(value),
            text: textOf(value),
            ...(error === undefined ? {} : { error }),
          };
        },
        options,
      ),
    evalScore: (example, prediction) => spec.evalMetric(example, prediction.value as A),
    ...(spec.goldDemo
      ? { goldDemo: (example: E): Demo => ({ ...spec.goldDemo!(example), sampleId: checkedId(example) }) }
      : {}),
    forwardLoss: async (example, options) =>
      runSample(
        checkedId(example),
        'train',
        async () => {
          const out = await spec.forward(example);
          const question = spec.question?.(example);
          const node = await loss(
            out,
            spec.groundTruth(example),
            (v: V) => lossMetric(example, answerOf(v)),
            {
              name: lossInfo.name,
              description: lossInfo.description,
              ...(question === undefined ? {} : { question }),
            },
          );
          return { loss: node, score: node.value };
        },
        options,
      ),
  };
}
