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

  constructor(private readonly setup: MethodSetup<TextGradConfig, E>) {
    const c = setup.config;
    this.batchSize = c.batchSize;
    this.all = setup.program.parameters();
    this.prompts = trainablePrompts(setup.program);
    const optimizer = setup.models.optimizer;
    if (!optimizer) throw new TrainerInputError('textgrad: an optimizer model is required (TGD)');
    if (!setup.models.backward) throw new TrainerInputError('textgrad: a backward-engine model is required');
    this.tgd = new Tgd({ model: optimizer, constraints: c.constraints, memory: c.gradientMemory });
  }

  steps(): number {
    return this.setup.config.epochs * this.setup.config.stepsPerEpoch;
  }

  async step(run: RunContext<E>, batch: readonly E[]): Promise<StepOutcome> {
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
    // Prompts the feedback never reached (it stops at retrievers and plain functions, as in TextGrad):
    // TGD still rewrites them from "(no feedback)"; the tables footnote such cells.
    const noFeedback = this.prompts.filter((p) => p.gradients.length === 0).map((p) => p.name);
    const proposals = await this.tgd.propose(this.prompts, {
      labels: run.labels,
      salt: (i) => proposalSalt(run, i),
    });
    this.tgd.remember(this.prompts);
    zeroGrad(this.all);
    const parseFailures = proposals.filter((p) => !p.parsed).length;
    const values = Object.fromEntries(proposals.map((p) => [p.name, p.value]));
    const attempt: ProposalAttempt = { accepted: false, values };
    // One TGD update per step; the summary says what became of it.
    const outcome = (accepted: boolean, bestVal: number, summary: string): StepOutcome => ({
      phase: 'text',
      batch: forward.map((f) => f.id),
      subsetScore: forward.reduce((s, f) => s + f.score, 0) / Math.max(1, forward.length),
      backward: { calls: report.calls, skipped: 0, copies: 0 },
      tried: 1,
      attempts: [attempt],
      accepted,
      bestVal,
      summary: parseFailures > 0 ? `${summary}; ${parseFailures} unparsed` : summary,
      details: { noFeedback, parseFailures },
    });
    if (proposals.every((p) => p.value === p.previous)) {
      return outcome(false, run.bestVal, 'update unchanged');
    }
    this.prompts.forEach((p, i) => {
      p.propose(proposals[i]?.value ?? p.value);
    });
    const v = await run.validate({ mustBeat: run.bestVal - TIE });
    Object.assign(attempt, attemptValidation(v));
    if (v.complete && v.score >= run.bestVal - SCORE_EPS) {
      for (const p of this.prompts) p.commit();
      attempt.accepted = true;
      return outcome(true, Math.max(run.bestVal, v.score), 'update kept');
    }
    for (const p of this.prompts) p.revert();
    return outcome(false, run.bestVal, 'update reverted (validation fell)');
  }

  state(): TextGradState {
    return { tgd: this.tgd.state() };
  }

  restore(state: TextGradState): void {
    this.tgd.restore(state.tgd);
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
