/**
 * A tiny scripted world for the trainer's exact tests (no sim): sample i is answered correctly when
 * `i % 10 < 5 + 2·(#"careful" in the instruction) − 5·(#"sloppy")`. So "careful" is a measurable
 * improvement and "sloppy" a degradation that the gates must reject.
 */
import {
  type Demo,
  demosParam,
  generator,
  loss,
  type Parameter,
  type Prediction,
  type Program,
  param,
  runSample,
} from '@llm-autodiff/core';
import {
  type CallContext,
  type ChatModel,
  type ChatRequest,
  readTag,
  readTags,
  ScriptedModel,
  TAGS,
} from '@llm-autodiff/llm';

export interface ToyExample {
  id: string;
  n: number;
  answer: string;
}

export function toyData(from: number, count: number): ToyExample[] {
  return Array.from({ length: count }, (_, k) => ({
    id: `q${from + k}`,
    n: from + k,
    answer: `A${from + k}`,
  }));
}

function count(text: string, word: string): number {
  return text.split(word).length - 1;
}

/** `base` is the skill without edits; each demo (an `<EXAMPLE>` in the prompt) adds 1. */
export function toyTaskModel(base = 5, id = 'scripted:toy-task'): ScriptedModel {
  return ScriptedModel.fn(
    (req) => {
      const system = req.messages.find((m) => m.role === 'system')?.content ?? '';
      const user = req.messages.find((m) => m.role === 'user')?.content ?? '';
      const n = Number(/Question (\d+)/.exec(user)?.[1] ?? -1);
      const skill =
        base + 2 * count(system, 'careful') - 5 * count(system, 'sloppy') + count(system, '<EXAMPLE>');
      return n % 10 < skill ? `A${n}` : `B${n}`;
    },
    { id },
  );
}

export function toyBackwardModel(): ScriptedModel {
  return ScriptedModel.fn(() => 'Be more careful with the question number.', { id: 'scripted:toy-backward' });
}

/**
 * The optimizer: the first proposal of a step degrades the prompt ("sloppy"); once a failure is on
 * record it adds "careful". `answers` may override by call index (e.g. unparseable text).
 */
export function toyOptimizerModel(
  override?: (req: ChatRequest, index: number) => string | undefined,
): ScriptedModel {
  return ScriptedModel.fn(
    (req, _ctx: CallContext | undefined, index) => {
      const forced = override?.(req, index);
      if (forced !== undefined) return forced;
      const user = req.messages.find((m) => m.role === 'user')?.content ?? '';
      const value = readTag(readTag(user, TAGS.optimizer.variable) ?? '', TAGS.item.value) ?? '';
      const failed = readTags(readTag(user, TAGS.optimizer.failedProposals) ?? '', TAGS.item.entry).length;
      const edit = failed === 0 ? 'sloppy' : 'careful';
      return `<REASONING>try ${edit}</REASONING>\n<METHOD>add instruction</METHOD>\n<PROPOSED_VALUE>${value} ${edit}</PROPOSED_VALUE>`;
    },
    { id: 'scripted:toy-optimizer' },
  );
}

export interface ToyProgram extends Program<ToyExample> {
  instruction: Parameter<string>;
  format: Parameter<string>;
  demos?: Parameter<Demo[]>;
}

export function toyProgram(
  model: ChatModel,
  opts: { instruction?: string; demos?: boolean } = {},
): ToyProgram {
  const instr = param(opts.instruction ?? 'Answer the question.', {
    name: 'instruction',
    description: 'task instruction',
  });
  const format = param('Reply with the answer only.', {
    name: 'format',
    description: 'output format',
    trainable: false,
  });
  const demos = opts.demos ? demosParam({ name: 'demos', description: 'worked examples' }) : undefined;
  const params: Parameter[] = demos ? [instr, format, demos] : [instr, format];
  const gen = generator({
    name: 'answer',
    model,
    system: params,
    user: (x: { question: string }) => x.question,
    parse: (t: string) => t.trim(),
  });
  const metric = (p: string | undefined, g: string): number => (p === g ? 1 : 0);
  return {
    name: 'toy',
    instruction: instr,
    format,
    demos,
    parameters: () => [...params],
    sampleId: (ex) => ex.id,
    predict: (ex) =>
      runSample(ex.id, 'eval', async (): Promise<Prediction> => {
        const v = (await gen({ question: `Question ${ex.n}` })) as string | undefined;
        return { value: v, text: v ?? '' };
      }),
    evalScore: (ex, p) => metric(p.value as string | undefined, ex.answer),
    forwardLoss: (ex) =>
      runSample(ex.id, 'train', async () => {
        const out = await gen({ question: `Question ${ex.n}` });
        const l = await loss(out, ex.answer, metric, { name: 'exact' });
        return { loss: l, score: l.score ?? 0 };
      }),
  };
}
