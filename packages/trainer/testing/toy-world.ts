/**
 * TEST SUPPORT: a tiny scripted world for exact trainer and method tests (no sim): sample i is answered
 * correctly when `i % 10 < 5 + 2·(#"careful" in the instruction) − 5·(#"sloppy")`. So "careful" is a
 * measurable improvement and "sloppy" a degradation that a method's gates must reject.
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
import { type ChatModel, ScriptedModel } from '@llm-autodiff/llm';

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
