import type { Demo, Parameter, ParamKind } from './parameter';

/** An eval-mode prediction: the parsed value, the raw text, and an error if the pipeline failed. */
export interface Prediction {
  value: unknown;
  text: string;
  error?: string;
}

/** The seam between a task's pipeline and the trainers (AdalFlow's AdalComponent, slimmed). */
export interface Program<E> {
  readonly name: string;
  /** Optional: the example fields the program reads; data files are checked against them row by row. */
  readonly fields?: readonly string[];
  /** Every parameter (trainable or not). */
  parameters(): Parameter[];
  sampleId(example: E): string;
  /** Eval mode (runs inside runSample(id, 'eval', ...)). */
  predict(example: E): Promise<Prediction>;
  /** Eval metric in [0, 1] (e.g. exact match, accuracy). */
  evalScore(example: E, prediction: Prediction): number;
  /** Train mode: the loss node (loss metric, e.g. F1) and its score. */
  forwardLoss(example: E): Promise<{ loss: Parameter<number>; score: number }>;
  /**
   * Optional: the example with its gold answer, rendered as a few-shot demo of the pipeline's demos slot
   * (the reference's "raw shots"). Pipelines without a demos slot leave it out.
   */
  goldDemo?(example: E): Demo;
}

/** Trainable parameters of a program, optionally of one kind. */
export function trainableParameters(program: { parameters(): Parameter[] }, kind?: ParamKind): Parameter[] {
  return program.parameters().filter((p) => p.trainable && (kind === undefined || p.kind === kind));
}

/** The prompts a text optimizer may edit. */
export function trainablePrompts(program: { parameters(): Parameter[] }): Parameter<string>[] {
  return trainableParameters(program, 'prompt') as Parameter<string>[];
}

/** The few-shot slots a demo optimizer may fill. */
export function trainableDemos(program: { parameters(): Parameter[] }): Parameter<Demo[]>[] {
  return trainableParameters(program, 'demos') as Parameter<Demo[]>[];
}

/** Clear gradients (and demo traces when asked) of parameters. */
export function zeroGrad(params: Parameter[], opts: { traces?: boolean } = {}): void {
  for (const p of params) {
    p.zeroGrad();
    if (opts.traces) p.demoTraces.length = 0;
  }
}

/**
 * The undo of a run: puts each named parameter back to its committed value (e.g. a checkpoint's), ending
 * any pending proposal (`Parameter.propose`). A trainer calls it when a step is stopped half-way, so no
 * method has to remember how to undo what it tried. Values are copied, so later edits never reach `values`.
 */
export function restoreCommitted(
  params: Iterable<Parameter>,
  values: Readonly<Record<string, unknown>>,
): void {
  for (const p of params) {
    if (p.proposing) p.revert();
    if (Object.hasOwn(values, p.name)) p.value = structuredClone(values[p.name]);
  }
}
