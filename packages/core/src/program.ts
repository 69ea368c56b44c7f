import type { Demo, Parameter, ParamKind } from './parameter';

/** What trainers call on an optimizer (GDPO, TextGrad's TGD, demo optimizers all implement it). */
export interface Optimizer {
  readonly name: string;
  /** Set proposed values on its parameters (`Parameter.propose`). */
  propose(): Promise<void>;
  /** Back to the values before `propose` (`Parameter.revert`). */
  revert(): void;
  /** Keep the proposal (`Parameter.commit`). */
  step(): void;
  /** Clear the gradients of its parameters. */
  zeroGrad(): void;
}

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
