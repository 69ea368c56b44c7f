import { createHash } from 'node:crypto';
import { runSample, type SampleOptions } from './context';
import { AutodiffError } from './errors';
import { loss } from './loss';
import type { Demo } from './parameter';
import { claimNewParameters, defaultDisplay, isParameter, type Parameter, type Traced } from './parameter';
import type { Prediction, Program } from './program';

/**
 * How a program scores an answer: the metric and the expected answer it compares with (shown to the
 * backward engine). `exactMatch('label')` is one; a `ProgramSpec` may give `evalMetric` + `groundTruth`
 * instead.
 */
export interface ProgramMetric<E, A> {
  /** Shown to the backward engine as the loss's name, e.g. `exact_match(urgency)`. */
  name: string;
  description: string;
  score: (example: E, answer: A) => number;
  expected: (example: E) => unknown;
}

/**
 * 1 when the answer equals the example's `field` (compared as trimmed, case-insensitive text), else 0.
 * The example's `field` is the expected answer.
 */
export function exactMatch<K extends string>(field: K): ProgramMetric<{ [P in K]: unknown }, unknown> {
  const norm = (v: unknown): string =>
    (typeof v === 'string' ? v : (JSON.stringify(v) ?? '')).trim().toLowerCase();
  return {
    name: `exact_match(${field})`,
    description: `exact match: 1 if the answer equals the expected ${field} (trimmed, case-insensitive), else 0`,
    score: (example, answer) => (answer !== undefined && norm(answer) === norm(example[field]) ? 1 : 0),
    expected: (example) => example[field],
  };
}

/**
 * What a workflow provides; `defineProgram` turns it into a `Program` (eval mode with the eval metric,
 * train mode with the loss). The same `forward` runs in both modes: components return plain values in
 * eval mode and graph nodes in train mode.
 *
 * `E` is an example, `V` the final output of `forward`, `A` the answer read from it (default: `V`). The
 * metric's answer type is tied to `A` (and so to `forward`'s output): a metric expecting a number on a
 * pipeline that returns a label does not compile.
 */
export interface ProgramSpec<E, V, A = V> {
  /** Default: 'program'. */
  name?: string;
  /**
   * Every parameter of the workflow (trainable or not); optimizers edit the trainable ones. Default: every
   * `param()`/`demosParam()` made since the previous `defineProgram` call (e.g. by the generators above it).
   */
  parameters?: Parameter[];
  /**
   * A unique, stable id per example (checkpoints, gradients and reports are keyed by it). Default: the
   * example's `id` field, else a hash of its content.
   */
  sampleId?: (example: E) => string;
  /**
   * The example fields the workflow reads (e.g. `['id', 'items', 'count']`). Optional; when given, a
   * data file whose row lacks one is refused naming the file, line and field, instead of the workflow
   * silently reading `undefined`.
   */
  fields?: readonly string[];
  /** The workflow body; returns the final output (plain in eval mode, a node in train mode). */
  forward: (example: E) => Promise<Traced<V>>;
  /** The predicted answer inside the final output, e.g. the parsed count (default: the output itself). */
  answer?: (output: V) => A;
  /** Raw text behind the answer, for logs and reports (default: the answer, shown as text). */
  text?: (output: V) => string;
  /** A parse or workflow error, when the answer could not be read. */
  error?: (output: V) => string | undefined;
  /** The metric and the expected answer in one (e.g. `exactMatch('urgency')`); or `evalMetric` + `groundTruth`. */
  metric?: ProgramMetric<E, NoInfer<A>>;
  /** Eval metric in [0, 1] of the predicted answer. */
  evalMetric?: (example: E, answer: NoInfer<A>) => number;
  /** Loss metric in [0, 1] of the predicted answer (e.g. F1 where the eval metric is EM); default: the eval metric. */
  lossMetric?: (example: E, answer: NoInfer<A>) => number;
  /** The expected answer, shown to the backward engine. */
  groundTruth?: (example: E) => unknown;
  /** The question, shown to the backward engine by the loss. */
  question?: (example: E) => string;
  /** Name and description of the loss, shown to the backward engine (default: the metric's). */
  loss?: { name: string; description: string };
  /** The example with its gold answer as a demo (pipelines with a demos slot; the reference's raw shots). */
  goldDemo?: (example: E) => Demo;
}

/** The default sample id: the example's `id` field, else a hash of its content (stable across runs). */
export function defaultSampleId(example: unknown): string {
  if (example && typeof example === 'object' && 'id' in example) {
    const id = (example as { id: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number') return String(id);
  }
  return `h${createHash('sha256').update(stableJson(example)).digest('hex').slice(0, 16)}`;
}

const stableJson = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  ) ?? 'undefined';

/** A `Program`, plus per-call sample options (e.g. a teacher model for demo bootstrapping). */
export interface DefinedProgram<E> extends Program<E> {
  predict(example: E, options?: SampleOptions): Promise<Prediction>;
  forwardLoss(example: E, options?: SampleOptions): Promise<{ loss: Parameter<number>; score: number }>;
}

/** A workflow as a `Program` that `train()`, `evaluate()` and the optimizers accept. */
export function defineProgram<E, V, A = V>(spec: ProgramSpec<E, V, A>): DefinedProgram<E> {
  const made = claimNewParameters();
  const name = spec?.name ?? 'program';
  if (!spec || typeof name !== 'string' || !name)
    throw new AutodiffError('defineProgram(spec): `name` must be a non-empty string');
  const where = `defineProgram '${name}'`;
  if (typeof spec.forward !== 'function') throw new AutodiffError('`forward` must be a function', where);
  for (const key of [
    'sampleId',
    'answer',
    'text',
    'error',
    'evalMetric',
    'lossMetric',
    'groundTruth',
    'question',
  ] as const) {
    if (spec[key] !== undefined && typeof spec[key] !== 'function')
      throw new AutodiffError(`\`${key}\` must be a function`, where);
  }
  if (spec.metric && (spec.evalMetric || spec.groundTruth))
    throw new AutodiffError('give either `metric` or `evalMetric` + `groundTruth`, not both', where);
  const evalMetric = spec.metric?.score ?? spec.evalMetric;
  const groundTruth = spec.metric?.expected ?? spec.groundTruth;
  if (!evalMetric || !groundTruth)
    throw new AutodiffError(
      '`metric` (e.g. exactMatch(field)) or `evalMetric` and `groundTruth` are required',
      where,
    );
  const parameters = spec.parameters ?? made;
  if (!Array.isArray(parameters))
    throw new AutodiffError('`parameters` must be an array of Parameters', where);
  if (parameters.length === 0)
    throw new AutodiffError(
      'no parameters: pass `parameters`, or make them (param(), generator()) before defineProgram',
      where,
    );
  const sampleId = spec.sampleId ?? defaultSampleId;
  const answerOf = (output: V): A => (spec.answer ? spec.answer(output) : (output as unknown as A));
  const textOf = (output: V): string => (spec.text ? spec.text(output) : defaultDisplay(answerOf(output)));
  const lossMetric = spec.lossMetric ?? evalMetric;
  const lossInfo =
    spec.loss ??
    (spec.metric
      ? { name: spec.metric.name, description: spec.metric.description }
      : { name: `${name}.loss`, description: 'eval metric' });
  const checkedId = (example: E): string => {
    const id = sampleId(example);
    if (typeof id !== 'string' || id === '')
      throw new AutodiffError(`the example has no sample id (sampleId returned ${JSON.stringify(id)})`, name);
    return id;
  };
  return {
    name,
    ...(spec.fields ? { fields: [...spec.fields] } : {}),
    parameters: () => [...parameters],
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
    evalScore: (example, prediction) => evalMetric(example, prediction.value as A),
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
          const node = await loss(out, groundTruth(example), (v: V) => lossMetric(example, answerOf(v)), {
            name: lossInfo.name,
            description: lossInfo.description,
            ...(question === undefined ? {} : { question }),
          });
          return { loss: node, score: node.value };
        },
        options,
      ),
  };
}
