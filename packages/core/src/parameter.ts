import { renderDemos } from './demos';
import { ParameterStateError } from './errors';
import type { FeedbackEngine } from './feedback-engine';
import type { Gradient } from './gradient';

export type ParamKind = 'prompt' | 'demos' | 'input' | 'output' | 'hyperparam' | 'loss' | 'sum';
export type ComponentKind = 'generator' | 'function' | 'retriever' | 'loss' | 'sum';

/** Which component call produced an output node. */
export interface ComponentCall {
  id: string;
  name: string;
  kind: ComponentKind;
  /** nth call of this component for this sample, from 0. */
  callIndex: number;
  /** Position of this call among all component calls of the sample, from 0. */
  forwardOrder: number;
}

/** One gradient for one predecessor, produced by a node's backward function. */
export interface GradientFor {
  to: Parameter;
  gradient: Gradient;
}

/**
 * How an output node sends feedback to its predecessors. Set by the component that produced the node
 * (micrograd's `_backward`); it reads `node.gradients` (feedback from successors) and returns gradients for
 * predecessors. It returns them instead of writing them so that `backward()` can apply them in a fixed
 * order, whatever order concurrent engine calls complete in.
 */
export type BackwardFn = (engine: FeedbackEngine) => Promise<GradientFor[]>;

/** A few-shot example as the generator renders it. */
export interface Demo {
  input: string;
  output: string;
  /** Sample the demo was taken from, if any (keeps the optimizer from using a sample as its own demo). */
  sampleId?: string;
}

/** What a generator call with a demos parameter looked like (recorded in train mode, one per call). */
export interface DemoTrace {
  sampleId: string;
  componentId: string;
  callIndex: number;
  /** The call role, e.g. 'task' or 'teacher' (see `runSample` options). */
  role: string;
  /** The rendered user message. */
  input: string;
  /** The raw model answer. */
  output: string;
  parsed: unknown;
  parseError?: string;
  /** End-to-end score of the sample, set by `loss()`. */
  score?: number;
}

/** How the producing call looked, for backward prompts, the optimizer and graph export. */
export interface CallTrace {
  input: string;
  output: string;
  error?: string;
}

export interface ParameterInit<T> {
  name: string;
  /** What the value is, shown to the backward engine and the optimizer (e.g. 'answer instruction'). */
  description: string;
  kind: ParamKind;
  value: T;
  trainable: boolean;
  sampleId?: string;
  hints?: { backward?: string; optimizer?: string };
  display?: (p: Parameter<T>) => string;
}

let counter = 0;

/**
 * A node of the graph: a leaf (prompt, demos, input, hyperparameter) or an output recorded by a component
 * call in train mode. For leaves `trainable` means "an optimizer may change me"; for outputs it means
 * "feedback must flow through me" (some predecessor is trainable).
 */
export class Parameter<T = unknown> {
  readonly id: string;
  name: string;
  /** What the value is, shown to the backward engine and the optimizer (e.g. 'answer instruction'). */
  description: string;
  kind: ParamKind;
  value: T;
  trainable: boolean;
  /**
   * Whether the reference implementation (AdalFlow) would mark this node `requires_opt`: `trainable`, and
   * also a retriever's plain query (the reference wraps it as an optimizable input) and every output
   * downstream of one. Read only by backward with `accounting: 'reference'`.
   */
  referenceRequiresOpt: boolean;
  /** Other parameters of the same component prompt (set by `generator()`); shown, never edited through me. */
  peers: Parameter[] = [];
  sampleId: string | undefined;
  /** End-to-end score of the sample (set by `loss()` on every node of its sample). */
  score: number | undefined;
  groundTruth: unknown;
  hints: { backward?: string; optimizer?: string };
  predecessors: Parameter[] = [];
  component: ComponentCall | undefined;
  backwardFn: BackwardFn | undefined;
  trace: CallTrace | undefined;
  /** Generator calls that used this demos parameter (train mode only). */
  readonly demoTraces: DemoTrace[] = [];
  proposing = false;
  previousValue: T | undefined;

  // Gradients are appended as they arrive (O(1) each) and put in display order lazily, on the first read
  // after a change: a stable sort that is near-linear on backward's arrival pattern (samples in order,
  // calls of one sample newest first). Keeping the list sorted on every insert cost O(n) per gradient.
  private readonly grads: Gradient[] = [];
  private sorted = true;
  private readonly gradIds = new Set<string>();
  private readonly sampleRank = new Map<string, number>();
  private inserted = 0;
  private comparisons = 0;
  private displayFn: ((p: Parameter) => string) | undefined;
  private readonly views = new Map<string, (value: unknown) => unknown>();

  constructor(init: ParameterInit<T>) {
    this.id = `${init.name}#${++counter}`;
    this.name = init.name;
    this.description = init.description;
    this.kind = init.kind;
    this.value = init.value;
    this.trainable = init.trainable;
    this.referenceRequiresOpt = init.trainable;
    this.sampleId = init.sampleId;
    this.score = undefined;
    this.groundTruth = undefined;
    this.hints = { ...init.hints };
    this.component = undefined;
    this.backwardFn = undefined;
    this.trace = undefined;
    this.previousValue = undefined;
    this.displayFn = init.display as ((p: Parameter) => string) | undefined;
  }

  /**
   * Feedback received, grouped by sample (in order of first arrival) and in call order inside a sample,
   * whatever order backward produced them in.
   */
  get gradients(): readonly Gradient[] {
    if (!this.sorted) {
      const rank = (g: Gradient) => this.sampleRank.get(g.sampleId) ?? 0;
      this.grads.sort((a, b) => {
        this.comparisons++;
        return rank(a) - rank(b) || a.forwardOrder - b.forwardOrder || a.order - b.order;
      });
      this.sorted = true;
    }
    return this.grads;
  }

  addGradient(g: Gradient): void {
    if (!this.sampleRank.has(g.sampleId)) this.sampleRank.set(g.sampleId, this.sampleRank.size);
    const added: Gradient = { ...g, toParamId: this.id, order: this.inserted++ };
    const last = this.grads[this.grads.length - 1];
    if (last && this.sorted) {
      const rankLast = this.sampleRank.get(last.sampleId) ?? 0;
      const rankAdded = this.sampleRank.get(added.sampleId) ?? 0;
      this.sorted =
        rankLast < rankAdded || (rankLast === rankAdded && last.forwardOrder <= added.forwardOrder);
    }
    this.grads.push(added);
    this.gradIds.add(added.id);
  }

  hasGradient(id: string): boolean {
    return this.gradIds.has(id);
  }

  /**
   * Comparisons made so far to keep the gradients in display order (diagnostics: tests check that adding
   * n gradients costs O(n) work, not O(n²)).
   */
  get orderingWork(): number {
    return this.comparisons;
  }

  zeroGrad(): void {
    this.grads.length = 0;
    this.gradIds.clear();
    this.sampleRank.clear();
    this.inserted = 0;
    this.sorted = true;
  }

  /** @deprecated the old name of `description` (kept for one release). */
  get role(): string {
    return this.description;
  }

  /** How the value is shown in meta-prompts. */
  display(): string {
    return this.displayFn ? this.displayFn(this) : defaultDisplay(this.value);
  }

  setDisplay(fn: (p: Parameter<T>) => string): this {
    this.displayFn = fn as (p: Parameter) => string;
    return this;
  }

  /** The value as a given successor component reads it (default: the value itself). */
  viewFor(componentId: string): unknown {
    const view = this.views.get(componentId);
    return view ? view(this.value) : this.value;
  }

  /** Declare how `component` reads me, e.g. a retriever output joined into text for an answer generator. */
  setView(component: string | { id: string }, fn: (value: T) => unknown): this {
    this.views.set(
      typeof component === 'string' ? component : component.id,
      fn as (value: unknown) => unknown,
    );
    return this;
  }

  /** Try a new value (an optimizer proposal); `revert()` or `commit()` ends the proposal. */
  propose(value: T): void {
    if (this.proposing) {
      throw new ParameterStateError(
        'propose() while a proposal is pending: call revert() or commit() first',
        this.id,
      );
    }
    this.previousValue = this.value;
    this.value = value;
    this.proposing = true;
  }

  revert(): void {
    if (!this.proposing) throw new ParameterStateError('revert() without a pending proposal', this.id);
    this.value = this.previousValue as T;
    this.previousValue = undefined;
    this.proposing = false;
  }

  commit(): void {
    if (!this.proposing) throw new ParameterStateError('commit() without a pending proposal', this.id);
    this.previousValue = undefined;
    this.proposing = false;
  }
}

export function defaultDisplay(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '(none)';
  return JSON.stringify(value, null, 2) ?? String(value);
}

export type Traced<T> = T | Parameter<T>;

/**
 * A component argument: traced, or (for an array argument) an array of traced elements. Not distributive:
 * an optional `string | undefined` parameter takes a `Parameter<string | undefined>` (a generator's output).
 */
export type TracedArg<T> = [T] extends [readonly (infer U)[]] ? Traced<T> | Traced<U>[] : Traced<T>;

export function isParameter(x: unknown): x is Parameter {
  return x instanceof Parameter;
}

/** The plain value of a traced value (use inside pipelines to branch on an output). */
export function unwrap<T>(x: Traced<T>): T {
  return x instanceof Parameter ? (x.value as T) : x;
}

export interface ParamOptions {
  name: string;
  /** What the value is, shown to the backward engine and the optimizer (e.g. 'answer instruction'). */
  description: string;
  /** Default true: leaves exist to be optimized; pass false for fixed parts (e.g. an output format). */
  trainable?: boolean;
  hints?: { backward?: string; optimizer?: string };
}

/**
 * Prompt and demos parameters made since the last `defineProgram` (its default `parameters`). Bounded, so
 * code that makes parameters without ever defining a program keeps no more than the newest ones.
 */
const unclaimed: Parameter[] = [];
const UNCLAIMED_LIMIT = 10_000;
function madeParameter<T>(p: Parameter<T>): Parameter<T> {
  if (unclaimed.length >= UNCLAIMED_LIMIT) unclaimed.shift();
  unclaimed.push(p as Parameter);
  return p;
}

/** Takes the prompt and demos parameters made since the previous call, in the order they were made. */
export function claimNewParameters(): Parameter[] {
  return unclaimed.splice(0);
}

/** A prompt leaf (instruction, output format, tool description...). */
export function param(value: string, opts: ParamOptions): Parameter<string> {
  if (!opts.name) throw new ParameterStateError('param(): `name` is required');
  if (!opts.description)
    throw new ParameterStateError(
      'param(): `description` is required (it is shown to the backward engine)',
      opts.name,
    );
  return madeParameter(
    new Parameter<string>({ ...opts, kind: 'prompt', value, trainable: opts.trainable ?? true }),
  );
}

/** A few-shot slot: a list of demos, rendered by generators as tagged examples, optimized by demo optimizers. */
export function demosParam(opts: ParamOptions & { demos?: Demo[] }): Parameter<Demo[]> {
  if (!opts.name) throw new ParameterStateError('demosParam(): `name` is required');
  return madeParameter(
    new Parameter<Demo[]>({
      name: opts.name,
      description: opts.description,
      hints: opts.hints,
      kind: 'demos',
      value: opts.demos ?? [],
      trainable: opts.trainable ?? true,
      display: (p) => renderDemos(p.value),
    }),
  );
}
