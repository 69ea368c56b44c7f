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
 * Independent nodes (one level) call the engine at once under `concurrency`; gradients are applied in a
 * fixed order, so the result equals a sequential run.
 */
import { defaultDisplay, type Gradient, levelsFromRoot, type Parameter } from '@llm-autodiff/core';
import {
  BudgetExceededError,
  CacheMissError,
  type ChatMessage,
  type ChatModel,
  mapLimit,
} from '@llm-autodiff/llm';
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
  return { name: p.name, role: p.role, kind: p.kind, value: p.display() };
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
      description: node.role,
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
      usedAs: node.role,
      feedback: node.gradients.map((g) => g.feedback),
    }),
  }));
}

function gradient(job: Job, feedback: string, failed: boolean, prompt: string): Gradient {
  const call = job.out.component;
  return {
    id: `${job.out.id}->${job.to.id}`,
    sampleId: job.out.sampleId ?? '',
    fromComponentId: call?.id ?? '',
    fromComponentName: call?.name ?? job.out.name,
    fromResponseId: job.out.id,
    toParamId: job.to.id,
    callIndex: call?.callIndex ?? 0,
    forwardOrder: call?.forwardOrder ?? 0,
    order: 0,
    score: job.out.score,
    feedback,
    isCopy: false,
    isSkipped: false,
    isFailure: failed,
    context: { inputOutput: job.context, variableRole: job.to.role, responseRole: job.out.role },
    prompt,
  };
}

export async function textgradBackward(
  root: Parameter,
  opts: TextGradBackwardOptions,
): Promise<TextGradBackwardReport> {
  const report: TextGradBackwardReport = { calls: 0, failures: 0, gradients: 0 };
  const context = { role: 'backward', labels: opts.labels, cacheSalt: opts.cacheSalt };
  for (const level of levelsFromRoot(root)) {
    const jobs = level.flatMap(jobsFor);
    const grads = await mapLimit(jobs, opts.concurrency ?? 8, async (job) => {
      report.calls++;
      const prompt = job.messages.map((m) => `${m.role.toUpperCase()}:\n${m.content}`).join('\n\n');
      try {
        const text = (await opts.engine.complete({ messages: job.messages }, context)).text.trim();
        if (text) return gradient(job, text, false, prompt);
        report.failures++;
        return gradient(job, 'The feedback engine returned no feedback for this call.', true, prompt);
      } catch (error) {
        if (error instanceof BudgetExceededError || error instanceof CacheMissError) throw error;
        report.failures++;
        const reason = error instanceof Error ? error.message : String(error);
        return gradient(
          job,
          `The feedback engine failed (${reason}); no feedback for this call.`,
          true,
          prompt,
        );
      }
    });
    grads.forEach((g, i) => {
      (jobs[i] as Job).to.addGradient(g);
      report.gradients++;
    });
  }
  return report;
}
