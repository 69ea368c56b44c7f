/**
 * TextGrad as a trainer method: per step, forward a batch of 3, TextGrad backward (one engine call per
 * sample per trainable predecessor, plus the evaluation's own call), one TGD call per trainable prompt,
 * then validation: the update is reverted if the validation score fell (a tie keeps it, as in the
 * reference's `--run_validation`). 3 epochs × 4 steps.
 */
import { type Parameter, sum, trainablePrompts, zeroGrad } from '@llm-autodiff/core';
import {
  attemptValidation,
  defineMethod,
  emptyGates,
  type Method,
  type MethodSetup,
  type ProposalAttempt,
  type RunContext,
  SCORE_EPS,
  type StepOutcome,
  setsField,
  TrainerInputError,
  z,
} from '@llm-autodiff/trainer';
import { proposalSalt } from '../common/salt';
import { Rollback } from '../common/values';
import { textgradBackward } from './backward';
import { textgradCostModel } from './cost-model';
import { Tgd, type TgdState } from './tgd';

export const textgradConfigSchema = z
  .object({
    batchSize: z.number().int().min(1).default(3).describe('training examples per step'),
    epochs: z.number().int().min(0).default(3).describe('passes over the shuffled training set'),
    stepsPerEpoch: z
      .number()
      .int()
      .min(1)
      .default(4)
      .describe('steps per epoch (batches taken from each pass)'),
    constraints: z.array(z.string()).default([]).describe('constraints TGD must respect'),
    gradientMemory: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        "steps of past feedback shown to TGD (0 = off, the reference's default; its memory is a no-op)",
      ),
  })
  .strict();

export type TextGradConfig = z.output<typeof textgradConfigSchema>;
export const TEXTGRAD_DEFAULTS: TextGradConfig = textgradConfigSchema.parse({});

/** A validation score this close below the best still counts as "did not fall". */
const TIE = 1e-6;

export interface TextGradState {
  tgd: TgdState;
}

export class TextGradMethod<E> implements Method<E, TextGradState> {
  readonly name = 'textgrad';
  readonly batchSize: number;
  private readonly prompts: Parameter<string>[];
  private readonly all: Parameter[];
  private readonly tgd: Tgd;
  private readonly rollback: Rollback;

  constructor(private readonly setup: MethodSetup<TextGradConfig, E>) {
    const c = setup.config;
    this.batchSize = c.batchSize;
    this.all = setup.program.parameters();
    this.prompts = trainablePrompts(setup.program);
    const optimizer = setup.models.optimizer;
    if (!optimizer) throw new TrainerInputError('textgrad: an optimizer model is required (TGD)');
    if (!setup.models.backward) throw new TrainerInputError('textgrad: a backward-engine model is required');
    this.tgd = new Tgd({ model: optimizer, constraints: c.constraints, memory: c.gradientMemory });
    this.rollback = new Rollback(this.prompts);
  }

  steps(): number {
    return this.setup.config.epochs * this.setup.config.stepsPerEpoch;
  }

  async step(run: RunContext<E>, batch: readonly E[]): Promise<StepOutcome> {
    this.rollback.mark();
    const gates = emptyGates();
    zeroGrad(this.all);
    const forward = await run.forwardLoss(batch);
    const engine = run.models.backward ?? this.setup.models.backward;
    if (!engine) throw new Error('textgrad: no backward-engine model');
    const root = sum(forward.map((f) => f.loss));
    const report = await textgradBackward(root, {
      engine,
      concurrency: run.concurrency,
      labels: run.labels,
      cacheSalt: run.cacheSalt,
    });
    await run.backwardDone(root);
    const proposals = await this.tgd.propose(this.prompts, {
      labels: run.labels,
      salt: (i) => proposalSalt(run, i),
    });
    this.tgd.remember(this.prompts);
    zeroGrad(this.all);
    gates.tried = 1;
    gates.parseFailures = proposals.filter((p) => !p.parsed).length;
    const values = Object.fromEntries(proposals.map((p) => [p.name, p.value]));
    const attempt: ProposalAttempt = { accepted: false, values };
    const outcome = (accepted: boolean, bestVal: number): StepOutcome => ({
      phase: 'text',
      batch: forward.map((f) => f.id),
      subsetScore: forward.reduce((s, f) => s + f.score, 0) / Math.max(1, forward.length),
      backward: { calls: report.calls, skipped: 0, copies: 0 },
      gates,
      attempts: [attempt],
      accepted,
      bestVal,
    });
    if (proposals.every((p) => p.value === p.previous)) {
      gates.unchanged = 1;
      return outcome(false, run.bestVal);
    }
    this.prompts.forEach((p, i) => {
      p.propose(proposals[i]?.value ?? p.value);
    });
    const v = await run.validate({ mustBeat: run.bestVal - TIE });
    Object.assign(attempt, attemptValidation(v));
    if (v.complete && v.score >= run.bestVal - SCORE_EPS) {
      for (const p of this.prompts) p.commit();
      gates.validationPassed = 1;
      attempt.accepted = true;
      return outcome(true, Math.max(run.bestVal, v.score));
    }
    for (const p of this.prompts) p.revert();
    gates.validationFailed = 1;
    return outcome(false, run.bestVal);
  }

  state(): TextGradState {
    return { tgd: this.tgd.state() };
  }

  restore(state: TextGradState): void {
    this.tgd.restore(state.tgd);
  }

  abandon(): void {
    this.rollback.restore();
  }
}

export const textgradFactory = defineMethod<TextGradConfig>({
  name: 'textgrad',
  description:
    'TextGrad: per-sample backward through every LLM call, TGD (one call per prompt), validation revert',
  tunes: ['prompt'],
  configSchema: textgradConfigSchema,
  flags: {
    steps: {
      sets: 'epochs=1, stepsPerEpoch=N (0: epochs=0)',
      fields: (n) => (n === 0 ? { epochs: 0 } : { epochs: 1, stepsPerEpoch: n }),
    },
    batch: setsField('batchSize'),
  },
  costModel: textgradCostModel,
  create: (setup) => new TextGradMethod(setup),
});
