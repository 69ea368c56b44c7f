import { currentSample, nextCall } from './context';
import { AutodiffError, ComponentOutputError } from './errors';
import { displayGroundTruth, gradientId, newGradient, renderInputOutput, targetOf } from './feedback';
import { type BackwardFn, defaultDisplay, isParameter, Parameter, type Traced } from './parameter';
import { namedInputs } from './prompts/backward-engine';
import {
  type ComponentInfo,
  checkSample,
  inputLeaf,
  newComponentId,
  recordOutput,
  uniquePredecessors,
} from './record';

export interface LossOptions {
  name?: string;
  /** What the metric measures, shown to the backward engine (e.g. 'token F1 against the gold answer'). */
  description?: string;
  /** The question the system was asked, shown to the backward engine. */
  question?: string;
}

const lossComponents = new Map<string, ComponentInfo>();
function lossComponent(name: string): ComponentInfo {
  let info = lossComponents.get(name);
  if (!info) {
    info = { id: newComponentId('loss', name), name, kind: 'loss' };
    lossComponents.set(name, info);
  }
  return info;
}

/**
 * Turn an eval metric into a textual loss. Computes the score now and writes it on every node of the
 * sample (and on the sample's demo traces), so backward knows each node's end-to-end score. Backward: one
 * engine call for the prediction, and the gradient starts with the expected answer.
 * In eval mode it returns a detached node holding the score (nothing recorded).
 */
export async function loss<P, G>(
  prediction: Traced<P>,
  groundTruth: G,
  metric: (prediction: P, groundTruth: G) => number | Promise<number>,
  opts: LossOptions = {},
): Promise<Parameter<number>> {
  const name = opts.name ?? 'loss';
  if (typeof metric !== 'function')
    throw new AutodiffError('loss(): `metric` must be a function', `loss '${name}'`);
  const info = lossComponent(name);
  const context = currentSample(`loss '${name}'`);
  const slot = nextCall(context, info.id);
  const here = `loss '${name}' (sample '${context.sampleId}')`;
  if (isParameter(prediction)) checkSample(prediction, context, here);
  const predicted = (isParameter(prediction) ? prediction.value : prediction) as P;
  const score = await metric(predicted, groundTruth);
  if (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 1) {
    throw new ComponentOutputError(`metric must return a number in [0, 1], got ${String(score)}`, here);
  }
  const description = `score of the system's answer (${opts.description ?? 'eval metric'})`;
  if (context.mode === 'eval') {
    const detached = new Parameter<number>({
      name,
      description,
      kind: 'loss',
      value: score,
      trainable: false,
      sampleId: context.sampleId,
    });
    detached.score = score;
    return detached;
  }

  const pred = isParameter(prediction)
    ? prediction
    : inputLeaf(prediction, `${name}.prediction`, 'the prediction', context.sampleId);
  pred.groundTruth = groundTruth;
  const gt = displayGroundTruth(groundTruth) ?? '(none)';

  const backward =
    (out: Parameter): BackwardFn =>
    async (engine) => {
      if (!engine.needsFeedback(pred) || pred.hasGradient(gradientId(out, pred))) return [];
      const inputs = [
        { name: 'prediction', value: pred.display() },
        { name: 'ground truth', value: gt },
      ];
      if (opts.question !== undefined) inputs.unshift({ name: 'question', value: opts.question });
      const fb = await engine.ask({
        target: targetOf(pred),
        peers: [],
        component: { kind: 'loss', name, description: opts.description },
        inputs: namedInputs(inputs),
        otherInputs: [],
        output: `score: ${score}`,
        groundTruth: gt,
        score,
        successorFeedback: [],
        hint: pred.hints.backward,
      });
      const inputOutput = renderInputOutput(opts.question ?? '(see prediction)', pred.display(), groundTruth);
      const feedback = `Expected answer: ${gt}\nFeedback: ${fb.text}`;
      return [
        {
          to: pred,
          gradient: newGradient(out, pred, {
            feedback,
            inputOutput,
            request: fb.request,
            isFailure: fb.failed,
          }),
        },
      ];
    };

  const out = recordOutput<number>({
    component: info,
    context,
    call: slot,
    value: score,
    name,
    description,
    kind: 'loss',
    predecessors: [pred],
    trace: { input: pred.display(), output: `score: ${score}` },
    backward,
  });
  relayScore(out, score);
  return out;
}

/** Write the score on every node of the loss's sample and on the sample's demo traces. */
function relayScore(lossNode: Parameter, score: number): void {
  const sampleId = lossNode.sampleId;
  const seen = new Set<Parameter>([lossNode]);
  // An explicit stack, not recursion: a sample may be a chain of 100,000 nodes.
  const stack: Parameter[] = [lossNode];
  for (let p = stack.pop(); p !== undefined; p = stack.pop()) {
    if (p.kind === 'demos') {
      for (const t of p.demoTraces) if (t.sampleId === sampleId) t.score = score;
    }
    if (p.sampleId !== sampleId) continue; // shared leaves (prompts) have no single score
    p.score = score;
    for (const q of p.predecessors) {
      if (seen.has(q)) continue;
      seen.add(q);
      stack.push(q);
    }
  }
}

/** One root for a batch: its predecessors are the losses. Its value is the total score. */
export function sum(losses: Parameter[]): Parameter<number> {
  if (!Array.isArray(losses) || losses.length === 0 || !losses.every(isParameter)) {
    throw new AutodiffError('sum(losses): expects a non-empty array of loss Parameters');
  }
  const total = losses.reduce((acc, l) => acc + (l.score ?? 0), 0);
  const root = new Parameter<number>({
    name: 'sum',
    description: `sum of ${losses.length} sample losses`,
    kind: 'sum',
    value: total,
    trainable: losses.some((l) => l.trainable),
  });
  root.referenceRequiresOpt = losses.some((l) => l.referenceRequiresOpt);
  root.predecessors = uniquePredecessors(losses);
  root.trace = {
    input: losses.map((l) => `${l.sampleId}: ${defaultDisplay(l.score)}`).join('\n'),
    output: String(total),
  };
  return root;
}
