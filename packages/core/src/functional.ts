import { currentSample, nextCall } from './context';
import { AutodiffError, ComponentOutputError } from './errors';
import { copyGradients, feedbackFields, feedbackToEach, listVariable, renderInputOutput } from './feedback';
import {
  type BackwardFn,
  defaultDisplay,
  isParameter,
  Parameter,
  type Traced,
  type TracedArg,
} from './parameter';
import { namedInputs } from './prompts/backward-engine';
import {
  argumentPredecessors,
  argumentReader,
  asComponent,
  type ComponentInfo,
  inputLeaf,
  newComponentId,
  recordOutput,
  uniquePredecessors,
} from './record';
import { callUser } from './user-call';

export type TracedArgs<A extends unknown[]> = { [K in keyof A]: TracedArg<A[K]> };

export interface FnOptions {
  /** What the output is, shown to the backward engine (default: "output of the function '<name>'"). */
  outputDescription?: string;
  /** What the function does, shown to the backward engine when it splits blame. */
  description?: string;
}

export type FnComponent<A extends unknown[], R> = ((...args: TracedArgs<A>) => Promise<Traced<R>>) &
  ComponentInfo;

/**
 * Wrap any function as a graph node. Backward: with at most one predecessor that needs feedback the
 * successor feedback passes through unchanged (copies); with several, one engine call per such predecessor
 * splits the blame.
 */
export function fn<A extends unknown[], R>(
  name: string,
  f: (...args: A) => R | Promise<R>,
  opts: FnOptions = {},
): FnComponent<A, R> {
  if (typeof name !== 'string' || !name) throw new AutodiffError('fn(name, f): `name` is required');
  if (typeof f !== 'function') throw new AutodiffError('fn(name, f): `f` must be a function', `fn '${name}'`);
  const info: ComponentInfo = { id: newComponentId('function', name), name, kind: 'function' };
  const call = (...args: TracedArgs<A>) =>
    runFunctional(info, opts, f as (...a: unknown[]) => R | Promise<R>, args);
  return asComponent(call, info, {});
}

export interface RetrieverOptions {
  k: number;
  name?: string;
  description?: string;
  /** What the retrieved documents are, shown to the backward engine. */
  outputDescription?: string;
}

export type RetrieverComponent<D> = ((query: Traced<string>) => Promise<Traced<D[]>>) &
  ComponentInfo & { readonly k: Parameter<number> };

/**
 * A functional node over a query. `k` is a non-trainable hyperparameter node, so the query is the only
 * predecessor that can need feedback: the retriever passes its feedback through to the query.
 */
export function retriever<D>(
  search: (query: string, k: number) => Promise<D[]> | D[],
  opts: RetrieverOptions,
): RetrieverComponent<D> {
  const name = opts?.name ?? 'retriever';
  if (typeof search !== 'function')
    throw new AutodiffError('retriever(search, opts): `search` must be a function', name);
  if (!Number.isInteger(opts?.k) || opts.k < 1) {
    throw new AutodiffError(`\`k\` must be an integer >= 1, got ${opts?.k}`, `retriever '${name}'`);
  }
  const info: ComponentInfo = { id: newComponentId('retriever', name), name, kind: 'retriever' };
  const k = new Parameter<number>({
    name: `${name}.k`,
    description: 'number of documents retrieved',
    kind: 'hyperparam',
    value: opts.k,
    trainable: false,
  });
  const where = `retriever '${name}'`;
  const checked = async (query: unknown, top: unknown): Promise<D[]> => {
    if (typeof query !== 'string') {
      throw new ComponentOutputError(
        `query must be a string, got ${query === undefined ? 'undefined' : typeof query} (did the query generator fail to parse? give it onParseError)`,
        where,
      );
    }
    const docs = await search(query, top as number);
    if (!Array.isArray(docs))
      throw new ComponentOutputError(`search() must return an array of documents, got ${typeof docs}`, where);
    return docs;
  };
  const fnOpts = {
    description: opts.description ?? `retrieves the top ${opts.k} documents for the query`,
    outputDescription: opts.outputDescription ?? `documents retrieved by '${name}' for the query`,
  };
  const call = async (query: Traced<string>) => {
    const out = await runFunctional<D[]>(info, fnOpts, checked, [query, k]);
    // The reference wraps a plain query as an optimizable input (see `Parameter.referenceRequiresOpt`).
    if (isParameter(out) && !isParameter(query)) {
      out.predecessors[0]!.referenceRequiresOpt = true; // the input leaf made for the query
      out.referenceRequiresOpt = true;
    }
    return out;
  };
  return asComponent(call, info, { k });
}

async function runFunctional<R>(
  info: ComponentInfo,
  opts: FnOptions,
  f: (...args: unknown[]) => R | Promise<R>,
  args: unknown[],
): Promise<Traced<R>> {
  const where = `${info.kind} '${info.name}'`;
  const context = currentSample(where);
  const slot = nextCall(context, info.id);
  const here = `${where} (call ${slot.callIndex} of sample '${context.sampleId}')`;
  const values = args.map(argumentReader(info.id, context, here));
  const result = await callUser(here, () => f(...values));
  if (isParameter(result)) {
    throw new ComponentOutputError(
      'the function returned a Parameter; return a plain value (the engine wraps it)',
      here,
    );
  }
  if (context.mode === 'eval') return result;

  const predecessors = uniquePredecessors(
    args.flatMap((a, i) =>
      argumentPredecessors(a, () =>
        inputLeaf(a, `${info.name}.arg${i}`, `argument ${i} of '${info.name}'`, context.sampleId),
      ),
    ),
  );
  // The predecessors the reference sees are the Parameters the caller passed (it wraps no plain argument).
  const passed = new Set(args.flatMap((a) => (Array.isArray(a) ? a : [a])).filter(isParameter));
  // A retriever always has two in the reference (query and top_k, both wrapped as Parameters).
  const referenceArity = info.kind === 'retriever' ? 2 : passed.size;
  const backward =
    (out: Parameter): BackwardFn =>
    async (engine) => {
      if (out.gradients.length === 0) return []; // no successor had feedback for this output
      const targets = predecessors.filter(engine.needsFeedback);
      const reference = engine.accounting === 'reference';
      const passThrough = reference ? referenceArity < 2 : targets.length <= 1;
      if (passThrough) return targets.flatMap((to) => copyGradients(out, to, engine));
      const inputs = predecessors.map((p) => ({ name: p.name, value: p.display() }));
      const inputOutput = renderInputOutput(
        inputs.map((x) => `${x.name}: ${x.value}`).join('\n'),
        out.display(),
        out.groundTruth,
      );
      return feedbackToEach(
        out,
        targets,
        engine,
        inputOutput,
        (target) => ({
          ...feedbackFields(out, target),
          component: { kind: 'function', name: info.name, description: opts.description },
          inputs: namedInputs(inputs),
          otherInputs: predecessors.filter((p) => p !== target).map(listVariable),
          output: out.display(),
        }),
        !reference, // the reference's functional path has no score threshold
      );
    };

  return recordOutput<R>({
    component: info,
    context,
    call: slot,
    value: result,
    name: `${info.name}.output`,
    description: opts.outputDescription ?? `output of the function '${info.name}'`,
    kind: 'output',
    predecessors,
    trace: {
      input: predecessors.map((p) => `${p.name}: ${p.display()}`).join('\n'),
      output: defaultDisplay(result),
    },
    backward,
  });
}
