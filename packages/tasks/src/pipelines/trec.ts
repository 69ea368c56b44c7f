import { demosParam, generator, type Parameter, param } from '@llm-autodiff/core';
import { type ChatModel, TAGS, tag } from '@llm-autodiff/llm';
import { TREC_CLASSES, type TrecClass, type TrecExample } from '../data/trec';
import { labelMatch } from '../metrics/classify';
import { AnswerFormatError, extractJsonObject, type Parsed, parsedWith, stringField } from './parse';
import { defineProgram, type TaskProgram } from './program';
import { TREC_FORMAT, TREC_INSTRUCTION } from './prompts';

export interface TrecOptions {
  model: ChatModel;
  instruction?: string;
  /** Add a trainable few-shot slot (for demo optimizers). */
  demos?: boolean;
}

/** A class named in `text`: the name itself (ABBR…NUM), possibly with its index ("2. DESC"). */
export function readTrecClass(text: string): TrecClass {
  const found = [...text.toUpperCase().matchAll(/\b(ABBR|ENTY|DESC|HUM|LOC|NUM)\b/g)].map(
    (m) => m[1] as TrecClass,
  );
  const distinct = [...new Set(found)];
  if (distinct.length === 1) return distinct[0]!;
  const index = text.trim().match(/^([0-5])\b/)?.[1];
  if (distinct.length === 0 && index !== undefined) return TREC_CLASSES[Number(index)]!;
  throw new AnswerFormatError(
    distinct.length === 0
      ? `"${text}" names none of ${TREC_CLASSES.join(', ')}`
      : `"${text}" names several classes`,
  );
}

/** The `class_name` of the JSON answer. */
export function readTrecAnswer(text: string): TrecClass {
  return readTrecClass(stringField(extractJsonObject(text), 'class_name'));
}

/** TREC coarse classification: a trainable instruction with a non-trainable output-format peer. */
export function trecPipeline(opts: TrecOptions): TaskProgram<TrecExample> {
  const instruction = param(opts.instruction ?? TREC_INSTRUCTION, {
    name: 'trec.instruction',
    description: 'Task description: how to classify a question into one of the six answer-type classes',
  });
  const format = param(TREC_FORMAT, {
    name: 'trec.output_format',
    description: 'Output format of the classifier (JSON with a rationale and a class name)',
    trainable: false,
  });
  const system: Parameter[] = [instruction, format];
  if (opts.demos)
    system.push(demosParam({ name: 'trec.demos', description: 'Classified example questions' }));
  const user = ({ question }: { question: string }) => tag(TAGS.task.question, question);
  const classify = generator<{ question: string }, Parsed<TrecClass>>({
    name: 'trec.classifier',
    model: opts.model,
    system,
    user,
    ...parsedWith(readTrecAnswer),
    outputDescription: 'the class chosen for the question, with its rationale',
    description: 'classifies a question by the type of its expected answer',
  });
  return defineProgram<TrecExample, Parsed<TrecClass>, TrecClass | undefined>({
    name: 'trec',
    parameters: system,
    sampleId: (e) => e.id,
    forward: (e) => classify({ question: e.question }),
    answer: (out) => out.value,
    text: (out) => out.raw,
    error: (out) => out.error,
    evalMetric: (e, answer) =>
      labelMatch<string>(typeof answer === 'string' ? answer : undefined, e.labelName),
    groundTruth: (e) => e.labelName,
    question: (e) => e.question,
    // Raw shots: the question and its gold class in the JSON answer format (no rationale: the data has none).
    ...(opts.demos
      ? {
          goldDemo: (e: TrecExample) => ({
            input: user(e),
            output: JSON.stringify({ class_name: e.labelName }),
          }),
        }
      : {}),
    loss: {
      name: 'trec.accuracy',
      description:
        'accuracy: 1 if the class name equals the expected class, else 0 (unreadable answers score 0)',
    },
  });
}
