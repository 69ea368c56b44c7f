/**
 * GDPO's text phase as a trainer `Method`. One step (constrained or random strategy):
 * forward the batch → choose the backward subset → backward → up to K proposals, each through the
 * mini-batch gate (loss metric, strict) and the full-validation gate (eval metric, strict vs the best);
 * accept the first that passes both, otherwise revert and remember the failure.
 */
import type { Parameter, Program } from '@llm-autodiff/core';
import { type ChatModel, mapLimit } from '@llm-autodiff/llm';
import {
  attemptValidation,
  beats,
  emptyGates,
  gatedOutcome,
  type Method,
  type ProposalAttempt,
  type RunContext,
  type StepOutcome,
  TrainerInputError,
} from '@llm-autodiff/trainer';
import type { GdpoConfig } from './config';
import { GdpoOptimizer, type GdpoState } from './gdpo-optimizer';
import { MovingBatch, type MovingItem, mean, selectSubset } from './moving-batch';

export interface GdpoTextState {
  optimizer: GdpoState;
  /** The constrained strategy's moving batch. */
  moving: MovingItem[];
}

export class GdpoTextMethod<E> implements Method<E, GdpoTextState> {
  readonly name = 'gdpo-text';
  readonly batchSize: number;
  readonly optimizer: GdpoOptimizer;
  private readonly moving: MovingBatch;

  constructor(
    private readonly config: GdpoConfig,
    program: Program<E>,
    optimizerModel: ChatModel,
    /** Base salt of the proposals' cache keys (the optimizer adds step and proposal index). */
    cacheSalt = '',
  ) {
    const a = config.ablations;
    this.batchSize = config.batchSize;
    this.optimizer = new GdpoOptimizer({
      model: optimizerModel,
      parameters: program.parameters(),
      historySize: a.noHistory ? 0 : config.historySize,
      failedMemory: config.failedMemory,
      usePeers: !a.noPeers,
      promptTechniques: !a.noPromptTechniques,
      failedRendering: config.failedRendering,
      onParseFailure: config.onParseFailure,
      feedback: a.noBackward ? 'none' : a.noFeedbackText ? 'scores-only' : 'gradients',
      constraints: config.constraints,
      cacheSalt,
    });
    this.moving = new MovingBatch(
      config.movingBatchCap,
      config.movingBatchMinErrors,
      config.correctThreshold,
    );
  }

  steps(): number {
    return this.config.steps;
  }

  init(_run: RunContext<E>, initial: { val: { score: number } }): void {
    this.optimizer.addScore(initial.val.score);
  }

  async step(run: RunContext<E>, batch: readonly E[]): Promise<StepOutcome> {
    const { config: c, optimizer } = this;
    const gates = emptyGates();
    const attempts: ProposalAttempt[] = [];
    optimizer.zeroGrad();
    optimizer.labels = { ...run.labels };

    const forward = await run.forwardLoss(batch);
    const fresh = new Map<string, Parameter<number>>(forward.map((r) => [r.id, r.loss]));
    const batchItems: MovingItem[] = forward.map((r) => ({ id: r.id, score: r.score }));

    let subset: MovingItem[];
    if (c.strategy === 'constrained') {
      this.moving.add(batchItems);
      this.moving.downsample(run.rng);
      subset = selectSubset(this.moving.items, run.rng, {
        correctThreshold: c.correctThreshold,
        maxErrors: c.maxErrorSamples,
        maxCorrect: c.maxCorrectSamples,
      });
    } else {
      subset = batchItems;
    }
    const subsetScore = mean(subset.map((i) => i.score));
    const subsetExamples = subset.map((i) => run.exampleById(i.id));

    let backwardReport: StepOutcome['backward'];
    if (!c.ablations.noBackward) {
      // "OPRO with data": backward still attaches input, output and score to every gradient, but no
      // backward model is asked for feedback text.
      const feedbackText = !c.ablations.noFeedbackText;
      if (feedbackText && !run.models.backward)
        throw new TrainerInputError(
          'gdpo: a backward model is required unless ablations.noBackward or noFeedbackText is set',
        );
      // Samples of earlier steps in the moving batch are re-run for a fresh graph (same prompts: cached).
      const losses = await mapLimit(subset, run.concurrency, async (item) => {
        const loss = fresh.get(item.id);
        return loss ?? (await run.program.forwardLoss(run.exampleById(item.id))).loss;
      });
      const report = await run.backward(losses, {
        feedbackText,
        skipAboveScore: c.skipThreshold,
        computeForAll: c.ablations.noSelectiveGradients,
        accounting: c.backwardAccounting,
      });
      backwardReport = { calls: report.calls, skipped: report.skipped, copies: report.copies };
    }

    let bestVal = run.bestVal;
    let accepted = false;
    for (let k = 0; k < c.proposalsPerStep && !accepted; k++) {
      const failuresBefore = optimizer.stats.parseFailures;
      await optimizer.propose();
      gates.tried += 1;
      gates.parseFailures += optimizer.stats.parseFailures - failuresBefore;
      // A count alone cannot say why: show what the optimizer answered (the error holds its first 200 chars).
      for (const r of optimizer.current.values())
        if (!r.parsed && r.error)
          run.log(`gdpo: the optimizer's answer for ${r.paramName} could not be read: ${r.error}`);
      const values = Object.fromEntries([...optimizer.current.values()].map((r) => [r.paramName, r.value]));
      // An unchanged proposal is counted, then evaluated and remembered as failed like any other (as
      // the reference does): it can pass the mini-batch gate only on a perfect subset and never beats
      // the best validation score, and the optimizer sees it among the failed proposals.
      if (!optimizer.changedAnything()) gates.unchanged += 1;
      const attempt: ProposalAttempt = { accepted: false, values };
      attempts.push(attempt);
      if (!c.ablations.noMiniBatchGate) {
        const mb = await run.evaluate(subsetExamples, { metric: 'loss' });
        attempt.miniBatchScore = mb.score;
        const pass =
          beats(mb.score, subsetScore) ||
          (c.perfectSubsetPassesOnEqual && !beats(1, subsetScore) && !beats(1, mb.score));
        if (!pass) {
          gates.miniBatchFailed += 1;
          optimizer.rememberFailure(mb.score);
          optimizer.revert();
          continue;
        }
        gates.miniBatchPassed += 1;
      }
      const v = await run.validate({ mustBeat: bestVal });
      Object.assign(attempt, attemptValidation(v));
      if (v.complete && beats(v.score, bestVal)) {
        optimizer.step();
        optimizer.addScore(v.score);
        optimizer.improved();
        bestVal = v.score;
        gates.validationPassed += 1;
        attempt.accepted = true;
        accepted = true;
        this.moving.reset();
      } else {
        gates.validationFailed += 1;
        // A partial mean depends on which calls finished first: only a complete score is shown to the optimizer.
        optimizer.rememberFailure(v.complete ? v.score : undefined);
        optimizer.revert();
      }
    }
    if (!accepted) optimizer.notImproved();
    optimizer.zeroGrad();
    return {
      phase: 'text',
      batch: batchItems.map((i) => i.id),
      subset: subset.map((i) => i.id),
      subsetScore,
      backward: backwardReport,
      attempts,
      accepted,
      bestVal,
      // GDPO's own vocabulary: its gate counts are its details, and its one-line summary.
      ...gatedOutcome(gates),
    };
  }

  state(): GdpoTextState {
    return { optimizer: this.optimizer.state(), moving: this.moving.items.map((i) => ({ ...i })) };
  }

  restore(state: GdpoTextState): void {
    this.optimizer.restore(state.optimizer);
    this.moving.items = state.moving.map((i) => ({ ...i }));
  }
}
