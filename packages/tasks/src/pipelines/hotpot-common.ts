import {
  type Demo,
  demosParam,
  type GeneratorComponent,
  generator,
  isParameter,
  type Parameter,
  param,
  type Traced,
} from '@llm-autodiff/core';
import { type ChatModel, TAGS, tag } from '@llm-autodiff/llm';
import type { HotpotExample } from '../data/hotpot';
import { exactMatch, f1Score } from '../metrics/hotpot';
import type { ScoredPassage } from '../retrieval/corpus';
import { extractJsonObject, type Parsed, parsedWith, stringField } from './parse';
import type { PipelineSpec } from './program';
import {
  HOTPOT_ANSWER_FORMAT,
  HOTPOT_ANSWER_HINT,
  HOTPOT_ANSWER_INSTRUCTION,
  HOTPOT_QUERY_FORMAT,
  HOTPOT_QUERY_INSTRUCTION,
} from './prompts';

/** What a HotPotQA pipeline searches: BM25 in production, anything with the same shape in tests. */
export interface Retriever {
  search(query: string, k: number): ScoredPassage[] | Promise<ScoredPassage[]>;
}

export interface HotpotOptions {
  /** The task model (answer, query generators, planner). */
  model: ChatModel;
  retriever: Retriever;
  /** Starting texts of the trainable prompts, by parameter name suffix (e.g. `answer`, `query_0`). */
  instructions?: Partial<Record<string, string>>;
  /**
   * Give every generator a trainable few-shot slot after its format (as every DSPy predictor has
   * demos), for the demo optimizers; off by default, as in the paper's pipelines.
   */
  demos?: boolean;
}

/** A generator's optional few-shot slot, named `<generator>.demos`. */
export function demosSlot(name: string, on: boolean | undefined): Parameter<Demo[]> | undefined {
  if (!on) return undefined;
  return demosParam({ name: `${name}.demos`, description: `Worked examples shown to ${name}` });
}

/** The parameters of a generator's system message: instruction, format, then the slot if any. */
export function systemOf(
  instr: Parameter<string>,
  format: Parameter<string>,
  demos: Parameter<Demo[]> | undefined,
) {
  return demos ? [instr, format, demos] : [instr, format];
}

/** Passages as the models read them: `Title | text`, one paragraph each, blank-line separated. */
export function renderPassages(passages: readonly ScoredPassage[]): string {
  if (passages.length === 0) return '(no passages)';
  return passages.map((p) => `${p.title} | ${p.text}`).join('\n\n');
}

/** Concatenates passage lists and drops repeats (same id), keeping the first occurrence. */
export function combinePassages(...lists: ScoredPassage[][]): ScoredPassage[] {
  const seen = new Set<string>();
  const out: ScoredPassage[] = [];
  for (const p of lists.flat()) {
    if (seen.has(p.id)) continue;
    seen.add(p.id);
    out.push(p);
  }
  return out;
}

/** Show retrieved passages readably (not as JSON) wherever a node's value is displayed. */
export function showPassages<T extends Traced<ScoredPassage[]>>(docs: T): T {
  if (isParameter(docs)) docs.setDisplay((p) => renderPassages(p.value as ScoredPassage[]));
  return docs;
}

function readAnswer(text: string): string {
  return stringField(extractJsonObject(text), 'answer');
}

/** Without JSON: an `Answer:` line, else the last non-empty line (the parse error stays recorded). */
function fallbackAnswer(text: string): string {
  const line = [...text.matchAll(/answer\s*:\s*(.+)/gi)].at(-1)?.[1];
  return (line ?? text.trim().split('\n').at(-1) ?? '').trim();
}

export interface AnswerGenerator {
  instruction: Parameter<string>;
  format: Parameter<string>;
  /** The few-shot slot, when the pipeline was built with `demos`. */
  demos?: Parameter<Demo[]>;
  /** Every parameter of the generator's system message, in order. */
  parameters: Parameter[];
  call: GeneratorComponent<{ question: string; context: ScoredPassage[] }, Parsed<string>>;
}

/** The answer generator shared by the four RAG pipelines: trainable instruction, fixed JSON format. */
export function answerGenerator(
  model: ChatModel,
  prefix: string,
  instruction = HOTPOT_ANSWER_INSTRUCTION,
  withDemos = false,
): AnswerGenerator {
  const instr = param(instruction, {
    name: `${prefix}.answer_instruction`,
    description:
      'Task description for the language model that answers the question from the retrieved context',
    hints: { backward: HOTPOT_ANSWER_HINT, optimizer: HOTPOT_ANSWER_HINT },
  });
  const format = param(HOTPOT_ANSWER_FORMAT, {
    name: `${prefix}.answer_format`,
    description: 'Output format of the answer generator (JSON with reasoning and answer)',
    trainable: false,
  });
  const demos = demosSlot(`${prefix}.answer`, withDemos);
  const system = systemOf(instr, format, demos);
  const call = generator<{ question: string; context: ScoredPassage[] }, Parsed<string>>({
    name: `${prefix}.answer`,
    model,
    system,
    user: ({ question, context }) =>
      `${tag(TAGS.task.context, renderPassages(context))}\n\n${tag(TAGS.task.question, question)}`,
    ...parsedWith(readAnswer, fallbackAnswer),
    outputDescription: 'the reasoning and short answer of the language model',
    description: 'answers the question from the retrieved passages',
  });
  return { instruction: instr, format, demos, parameters: system, call };
}

export interface QueryGenerator {
  instruction: Parameter<string>;
  format: Parameter<string>;
  demos?: Parameter<Demo[]>;
  parameters: Parameter[];
  call: GeneratorComponent<
    { question: string; context: ScoredPassage[]; previousQuery: string },
    Parsed<string>
  >;
}

function readQuery(text: string): string {
  const q = stringField(extractJsonObject(text), 'query');
  if (q === '') throw new Error('the "query" field is empty');
  return q;
}

/** A multi-hop query generator: trainable instruction, fixed JSON format. */
export function queryGenerator(
  model: ChatModel,
  name: string,
  description: string,
  instruction = HOTPOT_QUERY_INSTRUCTION,
  withDemos = false,
): QueryGenerator {
  const instr = param(instruction, { name: `${name}_instruction`, description });
  const format = param(HOTPOT_QUERY_FORMAT, {
    name: `${name}_format`,
    description: 'Output format of the query generator (JSON with reasoning and query)',
    trainable: false,
  });
  const demos = demosSlot(name, withDemos);
  const system = systemOf(instr, format, demos);
  const call = generator<
    { question: string; context: ScoredPassage[]; previousQuery: string },
    Parsed<string>
  >({
    name,
    model,
    system,
    user: ({ question, context, previousQuery }) => {
      const parts = [tag(TAGS.task.question, question)];
      if (previousQuery) parts.push(tag(TAGS.task.previousQuery, previousQuery));
      if (context.length > 0) parts.push(tag(TAGS.task.context, renderPassages(context)));
      return parts.join('\n\n');
    },
    ...parsedWith(readQuery),
    outputDescription: 'the reasoning and next search query of the language model',
    description: 'writes the next search query for the question',
  });
  return { instruction: instr, format, demos, parameters: system, call };
}

/**
 * A query generator's output as a retriever reads it: the parsed query, else the question (as
 * AdalFlow's multi-hop retriever does). In train mode the node gets a view for that retriever.
 */
export function asQuery(
  out: Traced<Parsed<string>>,
  reader: { id: string },
  question: string,
): Traced<string> {
  if (isParameter(out)) {
    out.setView(reader.id, (v) => v.value ?? question);
    return out as unknown as Parameter<string>;
  }
  return out.value ?? question;
}

/** The plain value of a retriever output in either mode. */
export function passagesOf(docs: Traced<ScoredPassage[]>): ScoredPassage[] {
  return isParameter(docs) ? docs.value : docs;
}

export function hotpotRetrieverSearch(r: Retriever) {
  return (query: string, k: number) => r.search(query, k);
}

/** The metric and loss parts every HotPotQA pipeline shares: EM to evaluate, F1 to train. */
export function hotpotMetrics<V>(
  answer: (out: V) => string | undefined,
): Pick<
  PipelineSpec<HotpotExample, V, string | undefined>,
  'sampleId' | 'answer' | 'evalMetric' | 'lossMetric' | 'groundTruth' | 'question' | 'loss'
> {
  return {
    sampleId: (e) => e.id,
    answer,
    evalMetric: (e, a) => exactMatch(typeof a === 'string' ? a : '', e.answer),
    lossMetric: (e, a) => f1Score(typeof a === 'string' ? a : '', e.answer),
    groundTruth: (e) => e.answer,
    question: (e) => e.question,
    loss: {
      name: 'hotpot.f1',
      description: 'token F1 between the answer and the gold answer, after HotpotQA normalization',
    },
  };
}
