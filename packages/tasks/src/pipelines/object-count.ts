import { demosParam, generator, type Parameter, param } from '@llm-autodiff/core';
import { type ChatModel, TAGS, tag } from '@llm-autodiff/llm';
import type { ObjectCountExample } from '../data/object-count';
import { type ObjectCountParser, objectCountParser } from '../metrics/object-count';
import { AnswerFormatError, type Parsed, parsedWith } from './parse';
import { defineProgram, type TaskProgram } from './program';
import { OBJECT_COUNT_INSTRUCTION } from './prompts';

export interface ObjectCountOptions {
  model: ChatModel;
  /** Starting system prompt (default: the generic step-by-step instruction). */
  instruction?: string;
  /** Add a trainable few-shot slot after the system prompt (for demo optimizers). */
  demos?: boolean;
  /**
   * How the count is read: 'ours' (default: the first number after the last `Answer:` marker, then
   * fallbacks) or 'reference' (the reference's last run of digits anywhere, -1 when none).
   */
  parser?: ObjectCountParser;
}

function countReader(which: ObjectCountParser): (text: string) => number {
  const parse = objectCountParser(which);
  return (text) => {
    const n = parse(text);
    if (n === undefined) throw new AnswerFormatError('no integer answer found in the response');
    return n;
  };
}

/** ObjectCount: one LLM call whose system prompt is trainable; the answer is read from `Answer: N`. */
export function objectCountPipeline(opts: ObjectCountOptions): TaskProgram<ObjectCountExample> {
  const systemPrompt = param(opts.instruction ?? OBJECT_COUNT_INSTRUCTION, {
    name: 'object_count.system_prompt',
    description: 'Task instruction for the language model, given as its system prompt',
    hints: { optimizer: 'You can try to show examples to see if it helps.' },
  });
  const system: Parameter[] = [systemPrompt];
  if (opts.demos) {
    system.push(
      demosParam({ name: 'object_count.demos', description: 'Worked examples shown to the language model' }),
    );
  }
  const user = ({ question }: { question: string }) => tag(TAGS.task.question, question);
  const counter = generator<{ question: string }, Parsed<number>>({
    name: 'object_count.counter',
    model: opts.model,
    system,
    user,
    ...parsedWith(countReader(opts.parser ?? 'ours')),
    outputDescription: 'the reasoning and final count of the language model',
    description: 'answers a counting question, ending with the line "Answer: N"',
  });
  return defineProgram<ObjectCountExample, Parsed<number>, number | undefined>({
    name: 'object-count',
    parameters: system,
    sampleId: (e) => e.id,
    forward: (e) => counter({ question: e.question }),
    answer: (out) => out.value,
    text: (out) => out.raw,
    error: (out) => out.error,
    evalMetric: (e, answer) => (answer === e.answer ? 1 : 0),
    groundTruth: (e) => e.answer,
    question: (e) => e.question,
    // Raw shots: the question as the counter sees it, answered in the format its instruction asks for.
    ...(opts.demos
      ? { goldDemo: (e: ObjectCountExample) => ({ input: user(e), output: `Answer: ${e.answer}` }) }
      : {}),
    loss: {
      name: 'object_count.exact_match',
      description:
        'exact match: 1 if the integer read from the last "Answer:" line equals the expected count, else 0',
    },
  });
}
