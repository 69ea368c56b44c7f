/**
 * A toy method, complete in this one folder: it describes itself (config schema, cost model, what
 * `--steps` and `--batch` mean for it) and plugs into the trainer's `Method` seam. Each step appends the
 * next of its `hints` to every trainable prompt and keeps the edit when validation strictly improves.
 * tests/toy-method.test.ts registers it with one line and runs it through `train` and `repro`.
 */
import { type Parameter, trainablePrompts } from '@llm-autodiff/core';
import {
  beats,
  defineMethod,
  emptyGates,
  type Method,
  onePhase,
  type RunContext,
  refused,
  type StepOutcome,
  setsField,
  z,
} from '@llm-autodiff/trainer';

const toyConfigSchema = z
  .object({
    steps: z.number().int().min(0).default(3).describe('hints tried, one per step'),
    hints: z
      .array(z.string().min(1))
      .min(1)
      .default(['Count carefully.', 'Check your answer.'])
      .describe('sentences appended to the prompts, in turn'),
  })
  .strict();

type ToyConfig = z.output<typeof toyConfigSchema>;

class HintMethod<E> implements Method<E, { tried: number }> {
  readonly name = 'hint-append';
  readonly batchSize = 0;
  private tried = 0;

  constructor(
    private readonly config: ToyConfig,
    private readonly prompts: Parameter<string>[],
  ) {}

  steps(): number {
    return this.config.steps;
  }

  async step(run: RunContext<E>): Promise<StepOutcome> {
    const hint = this.config.hints[this.tried % this.config.hints.length] as string;
    this.tried++;
    const before = this.prompts.map((p) => p.value);
    for (const p of this.prompts) p.value = `${p.value}\n${hint}`;
    const v = await run.validate();
    const accepted = v.complete && beats(v.score, run.bestVal);
    if (!accepted)
      this.prompts.forEach((p, i) => {
        p.value = before[i] as string;
      });
    const gates = { ...emptyGates(), tried: 1 };
    return {
      phase: 'hint',
      batch: [],
      gates,
      attempts: [],
      accepted,
      bestVal: accepted ? v.score : run.bestVal,
    };
  }

  state() {
    return { tried: this.tried };
  }
  restore(s: { tried: number }): void {
    this.tried = s.tried;
  }
  abandon(): void {}
}

export const hintAppend = defineMethod<ToyConfig>({
  name: 'hint-append',
  description: 'toy: appends a fixed hint to every prompt, kept when validation improves',
  tunes: ['prompt'],
  configSchema: toyConfigSchema,
  flags: { steps: setsField('steps'), batch: refused('it reads no training examples') },
  costModel: {
    phaseOf: onePhase,
    steps: (c) => c.steps,
    // One full validation per step.
    drivers: (c, s) => ({ steps: { task: c.steps * s.val } }),
  },
  create: ({ config, program }) => new HintMethod(config, trainablePrompts(program)),
});
