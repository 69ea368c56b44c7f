import type { SampleContext } from './context';
import { SampleIdError } from './errors';
import {
  type BackwardFn,
  type CallTrace,
  type ComponentKind,
  isParameter,
  Parameter,
  type ParamKind,
} from './parameter';

/**
 * What every component does in train mode: check and wrap its inputs, then record one output node with
 * its predecessors, its call and its backward function. Components differ only in how they compute the
 * value and how they send feedback.
 */

export interface ComponentInfo {
  readonly id: string;
  readonly name: string;
  readonly kind: ComponentKind;
}

let counter = 0;
export function newComponentId(kind: ComponentKind, name: string): string {
  return `${kind}:${name}#${++counter}`;
}

/** An array argument holding at least one Parameter: its Parameters are predecessors, read one by one. */
function isTracedArray(v: unknown): v is unknown[] {
  return Array.isArray(v) && v.some(isParameter);
}

/** A predecessor that still needs feedback: trainable and not a demos slot (demos learn from scores). */
export function needsFeedback(p: Parameter): boolean {
  return p.trainable && p.kind !== 'demos';
}

/** `needsFeedback` as the reference implementation decides it (see `Parameter.referenceRequiresOpt`). */
export function needsFeedbackInReference(p: Parameter): boolean {
  return p.referenceRequiresOpt && p.kind !== 'demos';
}

/** Each predecessor once, in first-seen order: a node passed twice to one call is one edge. */
export function uniquePredecessors(ps: Parameter[]): Parameter[] {
  return [...new Set(ps)];
}

/** A Parameter passed into a component must belong to the running sample (or to none, like a prompt). */
export function checkSample(p: Parameter, context: SampleContext, where: string): void {
  if (p.kind === 'input' || p.kind === 'output' || p.kind === 'loss') {
    if (p.sampleId === undefined) {
      throw new SampleIdError(
        `input '${p.name}' (${p.id}) has no sample id; ${p.kind} nodes must carry one`,
        where,
      );
    }
  }
  if (p.sampleId !== undefined && p.sampleId !== context.sampleId) {
    throw new SampleIdError(
      `input '${p.name}' (${p.id}) belongs to sample '${p.sampleId}' but the running sample is '${context.sampleId}'`,
      where,
    );
  }
}

/**
 * How a component reads one call argument: a Parameter (checked to belong to the running sample) through
 * its view for this component, an array element by element, anything else as is.
 */
export function argumentReader(
  componentId: string,
  context: SampleContext,
  where: string,
): (arg: unknown) => unknown {
  const read = (v: unknown): unknown => {
    if (!isParameter(v)) return v;
    checkSample(v, context, where);
    return v.viewFor(componentId);
  };
  return (arg) => (isTracedArray(arg) ? arg.map(read) : read(arg));
}

/** The predecessors one call argument contributes: itself, its traced elements, or a new input leaf. */
export function argumentPredecessors(arg: unknown, leaf: () => Parameter): Parameter[] {
  if (isParameter(arg)) return [arg];
  if (isTracedArray(arg)) return arg.filter(isParameter);
  return [leaf()];
}

/** Wrap a plain call argument as a non-trainable input leaf of the running sample. */
export function inputLeaf(
  value: unknown,
  name: string,
  description: string,
  sampleId: string,
  kind: ParamKind = 'input',
) {
  return new Parameter<unknown>({ name, description, kind, value, trainable: false, sampleId });
}

export interface OutputInit<T> {
  component: ComponentInfo;
  context: SampleContext;
  call: { callIndex: number; forwardOrder: number };
  value: T;
  name: string;
  description: string;
  kind: ParamKind;
  predecessors: Parameter[];
  trace: CallTrace;
  backward: (out: Parameter<T>) => BackwardFn;
  display?: (p: Parameter<T>) => string;
}

/** The recorded output node: predecessors (each once), producing call, sample id and backward function. */
export function recordOutput<T>(init: OutputInit<T>): Parameter<T> {
  const predecessors = uniquePredecessors(init.predecessors);
  const out = new Parameter<T>({
    name: init.name,
    description: init.description,
    kind: init.kind,
    value: init.value,
    trainable: predecessors.some(needsFeedback),
    sampleId: init.context.sampleId,
    display: init.display,
  });
  out.referenceRequiresOpt = predecessors.some(needsFeedbackInReference);
  out.predecessors = predecessors;
  out.component = { ...init.component, ...init.call };
  out.trace = init.trace;
  out.backwardFn = init.backward(out);
  return out;
}

/** Attach the component's id, name and kind (and extras) to its call function. `name` of a function is read-only, hence defineProperty. */
export function asComponent<F extends (...args: never[]) => unknown, X extends object>(
  call: F,
  info: ComponentInfo,
  extra: X,
): F & ComponentInfo & X {
  for (const [key, value] of Object.entries({ ...info, ...extra })) {
    Object.defineProperty(call, key, { value, enumerable: true });
  }
  return call as F & ComponentInfo & X;
}
