import {
  type Demo,
  isParameter,
  loss,
  type Parameter,
  type Prediction,
  type Program,
  runSample,
  type SampleOptions,
  type Traced,
} from '@llm-autodiff/core';

/**
 * What a pipeline module provides; `defineProgram` turns it into core's `Program` (eval mode, eval
 * metric, train mode with the loss metric). The same `forward` runs in both modes: components return
 * plain values in eval mode and graph nodes in train mode.
 */
export interface PipelineSpec<E, V> {
  name: string;
  parameters: Parameter[];
  sampleId(example: E): string;
  /** The pipeline body; returns the final output (plain in eval mode, a node in train mode). */
  forward(example: E): Promise<Traced<V>>;
  /** The predicted answer inside the final output, e.g. the parsed count. */
  answer(output: V): unknown;
  /** Raw text behind the answer, for logs and reports. */
  text(output: V): string;
  /** A parse or pipeline error, when the answer could not be read. */
  error?(output: V): string | undefined;
  /** Eval metric in [0, 1], of the predicted answer. */
  evalMetric(example: E, answer: unknown): number;
  /** Loss metric in [0, 1], of the predicted answer (F1 for HotPotQA); default: the eval metric. */
  lossMetric?(example: E, answer: unknown): number;
  groundTruth(example: E): unknown;
  /** The question, shown to the backward engine by the loss. */
  question(example: E): string;
  loss: { name: string; description: string };
  /** The example with its gold answer as a demo (pipelines with a demos slot; the reference's raw shots). */
  goldDemo?(example: E): Demo;
}

/** core's Program, plus per-call sample options (e.g. a teacher model for demo bootstrapping). */
export interface TaskProgram<E> extends Program<E> {
  predict(example: E, options?: SampleOptions): Promise<Prediction>;
  forwardLoss(example: E, options?: SampleOptions): Promise<{ loss: Parameter<number>; score: number }>;
}

export function defineProgram<E, V>(spec: PipelineSpec<E, V>): TaskProgram<E> {
  const lossMetric = spec.lossMetric ?? spec.evalMetric;
  const checkedId = (example: E): string => {
    const id = spec.sampleId(example);
    if (typeof id !== 'string' || id === '') throw new Error(`${spec.name}: the example has no sample id`);
    return id;
  };
  return {
    name: spec.name,
    parameters: () => [...spec.parameters],
    sampleId: checkedId,
    predict: (example, options) =>
      runSample(
        checkedId(example),
        'eval',
        async () => {
          const out = await spec.forward(example);
          // Eval mode returns plain values; unwrap defensively in case a component returned a node.
          const value = (isParameter(out) ? out.value : out) as V;
          const error = spec.error?.(value);
          return {
            value: spec.answer(value),
            text: spec.text(value),
            ...(error === undefined ? {} : { error }),
          };
        },
        options,
      ),
    evalScore: (example, prediction) => spec.evalMetric(example, prediction.value),
    ...(spec.goldDemo
      ? { goldDemo: (example: E): Demo => ({ ...spec.goldDemo!(example), sampleId: checkedId(example) }) }
      : {}),
    forwardLoss: (example, options) =>
      runSample(
        checkedId(example),
        'train',
        async () => {
          const out = await spec.forward(example);
          const node = await loss(
            out,
            spec.groundTruth(example),
            (v: V) => lossMetric(example, spec.answer(v)),
            {
              name: spec.loss.name,
              description: spec.loss.description,
              question: spec.question(example),
            },
          );
          return { loss: node, score: node.value };
        },
        options,
      ),
  };
}
