/**
 * TEST SUPPORT ONLY (never exported): a tiny scripted world and a minimal stand-in for the trainer's
 * RunContext, so each method's calls can be counted exactly.
 *
 * Sample n is answered right when `n % 10 < base + 2·#"careful" − 5·#"sloppy" + #<EXAMPLE>` (counted in
 * the system message): "careful" helps, "sloppy" hurts, every demo helps.
 */
import {
  type BackwardOptions,
  backward,
  demosParam,
  generator,
  loss,
  type Parameter,
  type Prediction,
  type Program,
  param,
  runSample,
  sum,
} from '@llm-autodiff/core';
import { type ChatModel, readTag, ScriptedModel, TAGS } from '@llm-autodiff/llm';
import type { Evaluation, Rng, RunContext } from '../seam';

export interface Toy {
  id: string;
  n: number;
  answer: string;
}

export function toyData(from: number, count: number): Toy[] {
  return Array.from({ length: count }, (_, k) => ({
    id: `q${from + k}`,
    n: from + k,
    answer: `A${from + k}`,
  }));
}

function count(text: string, word: string): number {
  return text.split(word).length - 1;
}

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

/** An optimizer that appends `edit` to the target's value (read from TARGET_VARIABLE). */
export function toyOptimizerModel(edit: (index: number) => string): ScriptedModel {
  return ScriptedModel.fn(
    (req, _ctx, index) => {
      const user = req.messages.find((m) => m.role === 'user')?.content ?? '';
      const value = readTag(readTag(user, TAGS.optimizer.variable) ?? '', TAGS.item.value) ?? '';
      const e = edit(index);
      return `<REASONING>try ${e}</REASONING>\n<PROPOSED_VALUE>${value} ${e}</PROPOSED_VALUE>`;
    },
    { id: 'scripted:toy-optimizer' },
  );
}

export interface ToyProgram extends Program<Toy> {
  instruction: Parameter<string>;
  demos?: Parameter;
}

/** One generator (`answer`), optionally with a demos slot; exact-match loss. */
export function toyProgram(
  model: ChatModel,
  opts: { demos?: boolean; instruction?: string } = {},
): ToyProgram {
  const instruction = param(opts.instruction ?? 'Answer the question.', {
    name: 'toy.instruction',
    role: 'instruction',
  });
  const demos = opts.demos ? demosParam({ name: 'toy.demos', role: 'examples' }) : undefined;
  const system = demos ? [instruction, demos] : [instruction];
  const answer = generator<{ q: number }>({
    name: 'answer',
    model,
    system,
    user: ({ q }) => `<QUESTION>Question ${q}</QUESTION>`,
  });
  const metric = (p: string, g: string) => (p === g ? 1 : 0);
  return {
    name: 'toy',
    instruction,
    demos,
    parameters: () => [...system],
    sampleId: (e) => e.id,
    predict: (e) =>
      runSample(e.id, 'eval', async () => {
        const text = (await answer({ q: e.n })) as string;
        return { value: text, text } satisfies Prediction;
      }),
    evalScore: (e, p) => metric(String(p.value), e.answer),
    forwardLoss: (e) =>
      runSample(e.id, 'train', async () => {
        const l = await loss(await answer({ q: e.n }), e.answer, metric, { description: 'exact match' });
        return { loss: l, score: l.value };
      }),
  };
}

/** mulberry32: a small seeded PRNG with the Rng interface. */
export class TestRng implements Rng {
  constructor(private s: number) {}
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }
  sample<T>(items: readonly T[], k: number): T[] {
    return this.shuffle(items).slice(0, Math.max(0, k));
  }
}

export interface TestRunOptions<E> {
  program: Program<E>;
  teacher?: Program<E>;
  data: { train: E[]; val: E[]; test: E[] };
  models: { backward?: ChatModel; optimizer?: ChatModel };
  seed?: number;
  concurrency?: number;
}

/** A minimal RunContext: sequential-order sums, early stop on `mustBeat`, a settable step and best score. */
export class TestRun<E> implements RunContext<E> {
  step = 1;
  bestVal = 0;
  readonly rng: TestRng;
  readonly concurrency: number;
  readonly cacheSalt = 'test';
  readonly program: Program<E>;
  readonly teacher?: Program<E>;
  readonly data: { train: E[]; val: E[]; test: E[] };
  readonly models: { backward?: ChatModel; optimizer?: ChatModel };
  constructor(o: TestRunOptions<E>) {
    this.program = o.program;
    this.teacher = o.teacher;
    this.data = o.data;
    this.models = o.models;
    this.rng = new TestRng(o.seed ?? 1);
    this.concurrency = o.concurrency ?? 4;
  }
  get labels() {
    return { step: this.step };
  }
  async evaluate(
    examples: readonly E[],
    opts: { mustBeat?: number; metric?: 'eval' | 'loss' } = {},
  ): Promise<Evaluation> {
    const perItem: Record<string, number> = {};
    let total = 0;
    let done = 0;
    for (const e of examples) {
      if (
        opts.mustBeat !== undefined &&
        (total + (examples.length - done)) / examples.length <= opts.mustBeat + 1e-9
      )
        break;
      const s =
        opts.metric === 'loss'
          ? (await this.program.forwardLoss(e)).score
          : this.program.evalScore(e, await this.program.predict(e));
      perItem[this.program.sampleId(e)] = s;
      total += s;
      done++;
    }
    const complete = done === examples.length;
    return {
      score: done === 0 ? 0 : total / (complete ? examples.length : done),
      complete,
      evaluated: done,
      total: examples.length,
      perItem,
    };
  }
  validate(opts: { mustBeat?: number } = {}): Promise<Evaluation> {
    return this.evaluate(this.data.val, { mustBeat: opts.mustBeat ?? this.bestVal });
  }
  async forwardLoss(examples: readonly E[]) {
    return Promise.all(
      examples.map(async (e) => ({ id: this.program.sampleId(e), ...(await this.program.forwardLoss(e)) })),
    );
  }
  backward(losses: Parameter<number>[], opts: Partial<BackwardOptions> = {}) {
    return backward(sum(losses), { engine: this.models.backward, labels: this.labels, ...opts });
  }
  exampleById(id: string): E {
    const e = this.data.train.find((x) => this.program.sampleId(x) === id);
    if (e === undefined) throw new Error(`no train example ${id}`);
    return e;
  }
  log(): void {}
}
