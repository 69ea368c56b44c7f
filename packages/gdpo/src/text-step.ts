/**
 * One step of text optimization (constrained or random strategy):
 * forward the batch → choose the backward subset → backward → up to K proposals, each through the
 * mini-batch gate (loss metric, strict) and the full-validation gate (eval metric, strict vs the best);
 * accept the first that passes both, otherwise revert and remember the failure.
 */
import type { ChatModel } from '@llm-autodiff/llm';
import { mapLimit } from './concurrency';
import { type TrainerConfig, TrainerInputError } from './config';
import { backward, type Parameter, type Program, sum } from './engine';
import { beats, evaluate } from './evaluate';
import type { GdpoOptimizer } from './gdpo-optimizer';
import { type MovingBatch, type MovingItem, mean, selectSubset } from './moving-batch';
import { emptyGates, type ProposalAttempt, type StepRecord } from './records';
import type { Rng } from './rng';

export interface TextStepEnv<E> {
  /** Called with the batch root once its gradients are computed (graph export for debugging and reports). */
  onBackward?: (root: Parameter) => void | Promise<void>;
  program: Program<E>;
  config: TrainerConfig;
  optimizer: GdpoOptimizer;
  /** Backward-engine model; required unless the no-backward ablation is on. */
  backwardEngine?: ChatModel;
  rng: Rng;
  moving: MovingBatch;
  val: readonly E[];
  byId: ReadonlyMap<string, E>;
  bestVal: number;
  /** Step number, added as a `step` label to backward and optimizer calls (ledger slices by step). */
  step?: number;
}

export type TextStepResult = Omit<StepRecord, 'step' | 'usage' | 'wallMs' | 'valScore'> & { bestVal: number };

/** The loss-metric score of one sample under the current prompts (cache makes unchanged calls free). */
async function lossScore<E>(program: Program<E>, example: E): Promise<number> {
  return (await program.forwardLoss(example)).score;
}

export async function textStep<E>(env: TextStepEnv<E>, batch: readonly E[]): Promise<TextStepResult> {
  const { program, config: c, optimizer } = env;
  const gates = emptyGates();
  const attempts: ProposalAttempt[] = [];
  optimizer.zeroGrad();
  optimizer.labels = env.step === undefined ? undefined : { step: env.step };

  const forward = await mapLimit(batch, c.concurrency, (ex) => program.forwardLoss(ex));
  const fresh = new Map<string, Parameter<number>>();
  const batchItems: MovingItem[] = batch.map((ex, i) => {
    const r = forward[i]!;
    const id = program.sampleId(ex);
    fresh.set(id, r.loss);
    return { id, score: r.score };
  });

  let subset: MovingItem[];
  if (c.strategy === 'constrained') {
    env.moving.add(batchItems);
    env.moving.downsample(env.rng);
    subset = selectSubset(env.moving.items, env.rng, {
      correctThreshold: c.correctThreshold,
      maxErrors: c.maxErrorSamples,
      maxCorrect: c.maxCorrectSamples,
    });
  } else {
    subset = batchItems;
  }
  const subsetScore = mean(subset.map((i) => i.score));
  const subsetExamples = subset.map((i) => exampleOf(env.byId, i.id));

  let backwardReport: StepRecord['backward'];
  if (!c.ablations.noBackward) {
    // "OPRO with data": backward still attaches input, output and score to every gradient, but no
    // engine is asked for feedback text.
    const feedbackText = !c.ablations.noFeedbackText;
    const engine = env.backwardEngine;
    if (feedbackText && !engine)
      throw new TrainerInputError(
        'trainer: a backward engine model is required unless ablations.noBackward or noFeedbackText is set',
      );
    // Samples of earlier steps in the moving batch are re-run for a fresh graph (same prompts: cached).
    const losses = await mapLimit(subset, c.concurrency, async (item) => {
      const loss = fresh.get(item.id);
      return loss ?? (await program.forwardLoss(exampleOf(env.byId, item.id))).loss;
    });
    const root = sum(losses);
    const report = await backward(root, {
      engine,
      feedbackText,
      skipAboveScore: c.skipThreshold,
      computeForAll: c.ablations.noSelectiveGradients,
      concurrency: c.concurrency,
      labels: env.step === undefined ? undefined : { step: env.step },
    });
    backwardReport = { calls: report.calls, skipped: report.skipped, copies: report.copies };
    await env.onBackward?.(root);
  }

  let bestVal = env.bestVal;
  let accepted = false;
  for (let k = 0; k < c.proposalsPerStep && !accepted; k++) {
    const failuresBefore = optimizer.stats.parseFailures;
    await optimizer.propose();
    gates.tried += 1;
    gates.parseFailures += optimizer.stats.parseFailures - failuresBefore;
    const values = Object.fromEntries([...optimizer.current.values()].map((r) => [r.paramName, r.value]));
    if (!optimizer.changedAnything()) {
      // Nothing new to evaluate: the score would equal the current one and cannot pass a strict gate.
      gates.unchanged += 1;
      optimizer.revert();
      attempts.push({ accepted: false, values });
      continue;
    }
    const attempt: ProposalAttempt = { accepted: false, values };
    attempts.push(attempt);
    if (!c.ablations.noMiniBatchGate) {
      const mb = await evaluate(program, subsetExamples, {
        concurrency: c.concurrency,
        score: (ex) => lossScore(program, ex),
      });
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
    const v = await evaluate(program, env.val, {
      concurrency: c.concurrency,
      mustBeat: c.earlyStopValidation ? bestVal : undefined,
    });
    attempt.valScore = v.score;
    attempt.valComplete = v.complete;
    attempt.valEvaluated = v.evaluated;
    if (v.complete && beats(v.score, bestVal)) {
      optimizer.step();
      optimizer.addScore(v.score);
      optimizer.improved();
      bestVal = v.score;
      gates.validationPassed += 1;
      attempt.accepted = true;
      accepted = true;
      env.moving.reset();
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
    gates,
    attempts,
    accepted,
    bestVal,
  };
}

function exampleOf<E>(byId: ReadonlyMap<string, E>, id: string): E {
  const ex = byId.get(id);
  if (ex === undefined)
    throw new Error(`trainer: sample "${id}" is not in the training set (duplicate or changed sample ids?)`);
  return ex;
}
