/**
 * TEST SUPPORT ONLY (never exported): the trainer's scripted toy world plus a RunContext whose step,
 * best score and batches the test sets by hand, so each method's calls can be counted exactly.
 */

import type { Program } from '@llm-autodiff/core';
import { backward, type Parameter, sum } from '@llm-autodiff/core';
import { type ChatModel, readTag, ScriptedModel, TAGS } from '@llm-autodiff/llm';
import { type BackwardRequest, type Evaluation, evaluate, Rng, type RunContext } from '@llm-autodiff/trainer';

export {
  type ToyExample,
  toyBackwardModel,
  toyData,
  toyProgram,
  toyTaskModel,
} from '@llm-autodiff/trainer/testing';

/** An optimizer that appends `edit(i)` to the target's value (read from TARGET_VARIABLE). */
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

export interface TestRunOptions<E> {
  program: Program<E>;
  teacher?: Program<E>;
  data: { train: E[]; val: E[]; test: E[] };
  models: { backward?: ChatModel; optimizer?: ChatModel };
  seed?: number;
  concurrency?: number;
}

/** A RunContext over the trainer's `evaluate`, with a settable step and best score (no early stop unless asked). */
export class TestRun<E> implements RunContext<E> {
  step = 1;
  bestVal = 0;
  readonly rng: Rng;
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
    this.rng = new Rng(o.seed ?? 1);
    this.concurrency = o.concurrency ?? 4;
  }
  get labels() {
    return { step: this.step };
  }
  evaluate(
    examples: readonly E[],
    opts: { mustBeat?: number; metric?: 'eval' | 'loss' } = {},
  ): Promise<Evaluation> {
    return evaluate(this.program, examples, {
      concurrency: 1,
      mustBeat: opts.mustBeat,
      score: opts.metric === 'loss' ? async (e) => (await this.program.forwardLoss(e)).score : undefined,
    });
  }
  validate(opts: { mustBeat?: number } = {}): Promise<Evaluation> {
    return this.evaluate(this.data.val, { mustBeat: opts.mustBeat ?? this.bestVal });
  }
  async forwardLoss(examples: readonly E[]) {
    return Promise.all(
      examples.map(async (e) => ({ id: this.program.sampleId(e), ...(await this.program.forwardLoss(e)) })),
    );
  }
  backward(losses: Parameter<number>[], opts: BackwardRequest = {}) {
    const { model = this.models.backward, ...rest } = opts;
    return backward(sum(losses), { engine: model, labels: this.labels, ...rest });
  }
  /** The roots methods hand to the run's onBackward hook, in order. */
  readonly backwardRoots: Parameter[] = [];
  async backwardDone(root: Parameter): Promise<void> {
    this.backwardRoots.push(root);
  }
  exampleById(id: string): E {
    const e = this.data.train.find((x) => this.program.sampleId(x) === id);
    if (e === undefined) throw new Error(`no train example ${id}`);
    return e;
  }
  log(): void {}
}
