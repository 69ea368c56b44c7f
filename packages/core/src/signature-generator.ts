/**
 * A generator written as a signature: the signature gives the user template, the fixed format line and the
 * parser; the instruction is a trainable prompt (named `<name>.instruction`), so optimizers edit it as any
 * other. Names and descriptions default from the signature's fields.
 */
import type { CallRole, ChatModel, ChatOptions } from '@llm-autodiff/llm';
import type { GeneratorConfig } from './generator';
import { type Demo, demosParam, type Parameter, param } from './parameter';
import {
  defaultInstruction,
  fieldTitle,
  formatInstruction,
  parseOutput,
  parseSignature,
  renderInputs,
  type SignatureInputs,
  type SignatureOutput,
} from './signature';

export interface SignatureGeneratorConfig<S extends string> {
  /** e.g. `'message, product -> urgency: low | medium | high'` (output types: string, number, boolean, a | b). */
  signature: S;
  model: ChatModel;
  /** Default: the output field's name (names its parameters: `<name>.instruction`, `<name>.format`). */
  name?: string;
  /** The starting instruction (trainable), or your own prompt parameter. Default: one implied by the signature. */
  instruction?: string | Parameter<string>;
  /** `true`: a trainable few-shot slot `<name>.demos` (for demo optimizers); or your own demos parameter. */
  demos?: boolean | Parameter<Demo[]>;
  role?: CallRole;
  options?: ChatOptions;
  /** What the call is for, shown to the backward engine. Default: from the signature. */
  description?: string;
  labels?: Record<string, string | number>;
}

export type SignatureGeneratorOutput<S extends string> = SignatureOutput<S> | undefined;

/** The plain generator config a signature stands for. */
export function signatureConfig<S extends string>(
  config: SignatureGeneratorConfig<S>,
): GeneratorConfig<SignatureInputs<S>, SignatureGeneratorOutput<S>> {
  const sig = parseSignature(config.signature);
  const name = config.name ?? sig.output.name;
  const what = fieldTitle(sig.output.name).toLowerCase();
  const from = sig.inputs.map((n) => fieldTitle(n).toLowerCase()).join(', ');
  const instruction =
    typeof config.instruction === 'object'
      ? config.instruction
      : param(config.instruction ?? defaultInstruction(sig), {
          name: `${name}.instruction`,
          description: `instruction of the step that gives the ${what} from the ${from}`,
        });
  const format = param(formatInstruction(sig), {
    name: `${name}.format`,
    description: `the answer format of '${name}' (fixed: the parser reads it)`,
    trainable: false,
  });
  const demos =
    config.demos === true
      ? demosParam({ name: `${name}.demos`, description: `worked examples for '${name}'` })
      : config.demos || undefined;
  return {
    name,
    model: config.model,
    system: demos ? [instruction, demos, format] : [instruction, format],
    user: (inputs) => renderInputs(sig, inputs as Record<string, unknown>),
    parse: (text) => parseOutput(sig, text) as SignatureOutput<S>,
    onParseError: () => undefined,
    description: config.description ?? `gives the ${what} from the ${from}`,
    outputDescription: `the ${what}${sig.output.kind === 'labels' ? ` (one of ${sig.output.labels.join(', ')})` : ''}`,
    ...(config.role ? { role: config.role } : {}),
    ...(config.options ? { options: config.options } : {}),
    ...(config.labels ? { labels: config.labels } : {}),
  };
}
