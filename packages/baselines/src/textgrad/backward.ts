/**
 * TextGrad's backward semantics over core's recorded graph. Reuses core's graph walk (`levelsFromRoot`)
 * and gradient storage (`Parameter.addGradient`); only the per-node rule differs from core's backward:
 *
 * - the evaluation node (loss): one "base" call for the prediction;
 * - an LLM call whose output received feedback: one "chain" call per predecessor that requires a
 *   gradient (its trainable prompts, and upstream LLM outputs), every sample, whatever its score
 *   (no selective gradients), with no peers section;
 * - a plain function or retriever sends nothing: in TextGrad its output is a fresh variable with no
 *   gradient path, so the feedback stops there (and an LLM output that feeds only such nodes gets none);
 * - demos slots get nothing (TextGrad has no demos).
 *
 * The rule runs on core's backward scheduler (`runBackwardDataflow`: a node runs once its successors
 * have, calls under `concurrency`, gradients applied in a fixed order, so the result equals a sequential
 * run) and calls the model through core's `FeedbackEngine.send`, the one error policy: a failed call
 * becomes a failed gradient, a stop (budget, signal, replay miss) ends the pass at once.
 */
import {
  defaultDisplay,
  FeedbackEngine,
  type GradientFor,
  levelsFromRoot,
  newGradient,
  type Parameter,
  runBackwardDataflow,
} from '@llm-autodiff/core';
import type { ChatMessage, ChatModel } from '@llm-autodiff/llm';
import { basePrompt, chainPrompt, type TextGradTarget } from './prompts';

export interface TextGradBackwardOptions {
  engine: ChatModel;
  concurrency?: number;
  labels?: Record<string, string | number>;
  cacheSalt?: string;
}

export interface TextGradBackwardReport {
  calls: number;
  failures: number;
  gradients: number;
}

interface Job {
  out: Parameter;
  to: Parameter;
  messages: ChatMessage[];
  context: string;
}

/** Does `p` need a gradient in TextGrad's graph: a trainable prompt or the output of an LLM call. */
function requiresGrad(p: Parameter): boolean {
  if (!p.trainable || p.kind === 'demos') return false;
  return p.kind === 'prompt' || p.component?.kind === 'generator';
}

function targetOf(p: Parameter): TextGradTarget {
  return { name: p.name, role: p.description, kind: p.kind, value: p.display() };
}

function systemPromptOf(out: Parameter): string {
  return out.predecessors
    .filter((p) => p.sampleId === undefined && (p.kind === 'prompt' || p.kind === 'demos'))
    .map((p) => p.display())
    .filter((s) => s.length > 0)
    .join('\n\n');
}

function conversation(out: Parameter): string {
  const parts = [];
  const system = systemPromptOf(out);
  if (system) parts.push(`System prompt:\n${system}`);
  parts.push(`Input:\n${out.trace?.input ?? ''}`, `Output:\n${out.display()}`);
  return parts.join('\n');
}

function jobsFor(node: Parameter): Job[] {
  const kind = node.component?.kind;
  if (kind === 'loss') {
    const pred = node.predecessors[0];
    if (!pred || !requiresGrad(pred)) return [];
    const gt = pred.groundTruth === undefined ? undefined : defaultDisplay(pred.groundTruth);
    const inputs = [`prediction:\n${pred.display()}`];
    if (gt !== undefined) inputs.push(`ground truth:\n${gt}`);
    const messages = basePrompt({
      target: targetOf(pred),
      component: node.component?.name ?? node.name,
      description: node.description,
      inputs: inputs.join('\n\n'),
      output: String(node.trace?.output ?? node.value),
      groundTruth: gt,
      score: node.score,
    });
    const context = `Evaluation input:\n${inputs.join('\n')}\nEvaluation output:\n${node.trace?.output ?? ''}`;
    return [{ out: node, to: pred, messages, context }];
  }
  if (kind !== 'generator' || node.gradients.length === 0) return [];
  const output = node.display();
  const context = conversation(node);
  // One call per distinct predecessor (a value passed twice to one call is one variable).
  return [...new Set(node.predecessors.filter(requiresGrad))].map((to) => ({
    out: node,
    to,
    context,
    messages: chainPrompt({
      target: targetOf(to),
      component: node.component?.name ?? node.name,
      systemPrompt: systemPromptOf(node),
      input: node.trace?.input ?? '',
      output,
      usedAs: node.description,
      feedback: node.gradients.map((g) => g.feedback),
    }),
  }));
}

export async function textgradBackward(
  root: Parameter,
  opts: TextGradBackwardOptions,
): Promise<TextGradBackwardReport> {
  const engine = new FeedbackEngine(
    { engine: opts.engine, concurrency: opts.concurrency, labels: opts.labels },
    'textgrad backward',
  );
  const rule = (node: Parameter): Promise<GradientFor[]> | undefined => {
    const jobs = jobsFor(node);
    if (jobs.length === 0) return undefined;
    return Promise.all(
      jobs.map(async (job): Promise<GradientFor> => {
        const answer = await engine.send(job.messages, { cacheSalt: opts.cacheSalt });
        const feedback = answer.ok
          ? answer.text
          : answer.empty
            ? 'The feedback engine returned no feedback for this call.'
            : `The feedback engine failed (${answer.reason}); no feedback for this call.`;
        return {
          to: job.to,
          gradient: newGradient(job.out, job.to, {
            feedback,
            inputOutput: job.context,
            request: job.messages,
            isFailure: !answer.ok,
          }),
        };
      }),
    );
  };
  const gradients = await runBackwardDataflow(levelsFromRoot(root), rule);
  return { calls: engine.counts.calls, failures: engine.counts.failures, gradients };
}
