import {
  type CallRole,
  type ChatMessage,
  type ChatModel,
  type ChatOptions,
  completeRecorded,
} from '@llm-autodiff/llm';
import { currentSample, nextCall } from './context';
import { AutodiffError, ComponentOutputError } from './errors';
import { feedbackFields, feedbackToEach, listVariable, renderInputOutput } from './feedback';
import { type BackwardFn, isParameter, Parameter, type Traced, type TracedArg } from './parameter';
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
import type { SignatureInputs } from './signature';
import {
  type SignatureGeneratorConfig,
  type SignatureGeneratorOutput,
  signatureConfig,
} from './signature-generator';
import { userError } from './user-call';

export interface GeneratorConfig<I extends Record<string, unknown>, O> {
  name: string;
  model: ChatModel;
  /** Call role for accounting (default 'task'; e.g. 'teacher'). `runSample` options may override it. */
  role?: CallRole;
  /** Prompt and demos parameters, rendered in order into the system message. They become peers of each other. */
  system: Parameter[];
  /** Renders the call's inputs (plain values, each read through its view for this generator) as the user message. */
  user: (inputs: I) => string;
  /**
   * Reads the answer. If it throws, the error is recorded and the value comes from `onParseError`, else
   * undefined. Without `parse` the value is the raw text.
   */
  parse?: (text: string) => O;
  onParseError?: (text: string, error: Error) => O;
  options?: ChatOptions;
  /** What the output is, shown to the backward engine (default: "output of the LLM call '<name>'"). */
  outputDescription?: string;
  /** What the call is for, shown to the backward engine. */
  description?: string;
  labels?: Record<string, string | number>;
}

/** Named call inputs: each traced, or an array of traced elements (e.g. the steps of an agent so far). */
export type TracedInputs<I> = { [K in keyof I]: TracedArg<I[K]> };

export type GeneratorComponent<I, O> = ((inputs: TracedInputs<I>) => Promise<Traced<O>>) &
  ComponentInfo & { readonly system: readonly Parameter[] };

/**
 * An LLM call rendered from prompt parameters. Train mode: returns a `Parameter` whose predecessors are the
 * system parameters and the call inputs, and whose backward function asks the engine once per predecessor
 * that needs feedback. Eval mode: returns the parsed value.
 */
export function generator<S extends string>(
  config: SignatureGeneratorConfig<S>,
): GeneratorComponent<SignatureInputs<S>, SignatureGeneratorOutput<S>> & {
  /** The trainable instruction (`<name>.instruction`). */
  readonly instruction: Parameter<string>;
};
export function generator<I extends Record<string, unknown>, O>(
  config: GeneratorConfig<I, O> & { onParseError: (text: string, error: Error) => O },
): GeneratorComponent<I, O>;
export function generator<I extends Record<string, unknown>>(
  config: Omit<GeneratorConfig<I, string>, 'parse' | 'onParseError'> & { parse?: undefined },
): GeneratorComponent<I, string>;
export function generator<I extends Record<string, unknown>, O>(
  config: GeneratorConfig<I, O>,
): GeneratorComponent<I, O | undefined>;
export function generator<I extends Record<string, unknown>, O>(
  spec: GeneratorConfig<I, O> | SignatureGeneratorConfig<string>,
): GeneratorComponent<I, O | undefined> {
  const config = (spec && 'signature' in spec ? signatureConfig(spec) : spec) as GeneratorConfig<I, O>;
  const info: ComponentInfo = {
    id: newComponentId('generator', config.name),
    name: config.name,
    kind: 'generator',
  };
  validateConfig(config, info.id);
  const system = [...config.system];
  for (const p of system) {
    const others = system.filter((q) => q !== p && !p.peers.includes(q));
    p.peers = [...p.peers, ...others];
  }
  const where = `generator '${config.name}'`;

  const call = async (inputs: TracedInputs<I>): Promise<Traced<O | undefined>> => {
    const context = currentSample(where);
    const slot = nextCall(context, info.id);
    const here = `${where} (call ${slot.callIndex} of sample '${context.sampleId}')`;
    if (typeof inputs !== 'object' || inputs === null || isParameter(inputs)) {
      throw new ComponentOutputError(
        'call inputs must be an object of named inputs, e.g. { question }',
        here,
      );
    }
    const read = argumentReader(info.id, context, here);
    const values: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(inputs)) values[key] = read(v);

    let userText: string;
    try {
      userText = config.user(values as I);
    } catch (error) {
      throw userError(`${here} user()`, error);
    }
    if (typeof userText !== 'string') {
      throw new ComponentOutputError(`user() must return a string, got ${typeof userText}`, here);
    }
    const systemText = system
      .map((p) => p.display())
      .filter((s) => s.length > 0)
      .join('\n\n');
    const messages: ChatMessage[] = systemText
      ? [
          { role: 'system', content: systemText },
          { role: 'user', content: userText },
        ]
      : [{ role: 'user', content: userText }];
    const role = context.options.role ?? config.role ?? 'task';
    const model = context.options.model ?? config.model;
    const labels =
      config.labels || context.options.labels ? { ...config.labels, ...context.options.labels } : undefined;
    // Through `completeRecorded`: a model the program made itself, unmanaged, still reaches the run's ledger.
    const response = await completeRecorded(model, { messages, options: config.options }, { role, labels });
    if (typeof response?.text !== 'string') {
      throw new ComponentOutputError(`model '${model.id}' returned no text`, here);
    }
    const text = response.text;
    let value: O | undefined;
    let parseError: string | undefined;
    try {
      value = config.parse ? config.parse(text) : (text as O);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      parseError = err.message;
      value = config.onParseError ? config.onParseError(text, err) : undefined;
    }
    if (isParameter(value))
      throw new ComponentOutputError('parse() returned a Parameter; return a plain value', here);
    if (context.mode === 'eval') return value;

    // Train mode: record the call.
    const inputParams = Object.entries(inputs).flatMap(([key, v]) =>
      argumentPredecessors(v, () =>
        inputLeaf(v, `${config.name}.${key}`, `input '${key}' of '${config.name}'`, context.sampleId),
      ),
    );
    for (const demos of system.filter((p) => p.kind === 'demos')) {
      demos.demoTraces.push({
        sampleId: context.sampleId,
        componentId: info.id,
        callIndex: slot.callIndex,
        role,
        input: userText,
        output: text,
        parsed: value,
        parseError,
      });
    }
    const predecessors = uniquePredecessors([...system, ...inputParams]);
    const shownOutput = parseError ? `${text}\n(parse error: ${parseError})` : text;

    const backward =
      (out: Parameter): BackwardFn =>
      async (engine) => {
        if (out.gradients.length === 0) return []; // no successor had feedback for this output
        const inputOutput = renderInputOutput(userText, shownOutput, out.groundTruth);
        return feedbackToEach(
          out,
          predecessors.filter(engine.needsFeedback),
          engine,
          inputOutput,
          (target) => ({
            ...feedbackFields(out, target),
            component: { kind: 'generator', name: config.name, description: config.description },
            inputs: userText, // what the model saw, with the task's own tags (e.g. QUESTION)
            // Plain input leaves are already shown in COMPONENT_INPUTS.
            otherInputs: predecessors
              .filter((p) => p !== target && !target.peers.includes(p) && p.kind !== 'input')
              .map(listVariable),
            output: shownOutput,
          }),
        );
      };

    return recordOutput<O | undefined>({
      component: info,
      context,
      call: slot,
      value,
      name: `${config.name}.output`,
      description: config.outputDescription ?? `output of the LLM call '${config.name}'`,
      kind: 'output',
      predecessors,
      trace: { input: userText, output: text, error: parseError },
      backward,
      display: () => shownOutput,
    });
  };

  // A signature generator's first system parameter is its instruction (signature-generator.ts).
  const extra = 'signature' in spec ? { system, instruction: system[0] } : { system };
  return asComponent(call, info, extra) as GeneratorComponent<I, O | undefined>;
}

function validateConfig<I extends Record<string, unknown>, O>(
  config: GeneratorConfig<I, O>,
  id: string,
): void {
  const where = `generator '${config?.name ?? '?'}' (${id})`;
  if (!config || typeof config.name !== 'string' || !config.name)
    throw new AutodiffError('`name` is required', where);
  if (typeof config.model?.complete !== 'function')
    throw new AutodiffError('`model` must be a ChatModel', where);
  if (!Array.isArray(config.system) || !config.system.every((p) => p instanceof Parameter)) {
    throw new AutodiffError('`system` must be an array of Parameters (use param())', where);
  }
  if (typeof config.user !== 'function')
    throw new AutodiffError('`user` must be a function of the inputs', where);
  if (config.parse !== undefined && typeof config.parse !== 'function') {
    throw new AutodiffError('`parse` must be a function of the answer text', where);
  }
}
