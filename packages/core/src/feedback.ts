import type { ChatMessage } from '@llm-autodiff/llm';
import type { FeedbackEngine } from './feedback-engine';
import { noErrorFeedback } from './feedback-engine';
import type { Gradient } from './gradient';
import { defaultDisplay, type GradientFor, type Parameter } from './parameter';
import type { BackwardPromptFields, ListedVariable } from './prompts/backward-engine';

/** Building blocks of the node backward functions: gradients, copies, and per-predecessor engine calls. */

export function gradientId(out: Parameter, to: Parameter): string {
  return `${out.id}->${to.id}`;
}

export function newGradient(
  out: Parameter,
  to: Parameter,
  init: {
    feedback: string;
    inputOutput: string;
    request?: readonly ChatMessage[];
    isSkipped?: boolean;
    isFailure?: boolean;
  },
): Gradient {
  const call = out.component;
  return {
    id: gradientId(out, to),
    sampleId: out.sampleId ?? '',
    fromComponentId: call?.id ?? '',
    fromComponentName: call?.name ?? out.name,
    fromResponseId: out.id,
    toParamId: to.id,
    callIndex: call?.callIndex ?? 0,
    forwardOrder: call?.forwardOrder ?? 0,
    order: 0,
    score: out.score,
    feedback: init.feedback,
    isCopy: false,
    isSkipped: init.isSkipped ?? false,
    isFailure: init.isFailure ?? false,
    context: { inputOutput: init.inputOutput, variableRole: to.description, responseRole: out.description },
    request: init.request,
  };
}

/** Pass-through: the successor's feedback, unchanged, for the one predecessor that needs it. */
export function copyGradients(out: Parameter, to: Parameter, engine: FeedbackEngine): GradientFor[] {
  const copies = out.gradients
    .filter((g) => !to.hasGradient(`${g.id}=>${to.id}`))
    .map(
      (g): GradientFor => ({
        to,
        gradient: { ...g, id: `${g.id}=>${to.id}`, toParamId: to.id, isCopy: true },
      }),
    );
  engine.counts.copies += copies.length;
  return copies;
}

/**
 * One gradient per target: the fixed "no noticeable error" text when the sample scored above the threshold
 * (selective gradients, unless `selective` is false), else one backward-engine call each. The calls run
 * concurrently; results keep target order.
 */
export function feedbackToEach(
  out: Parameter,
  targets: Parameter[],
  engine: FeedbackEngine,
  inputOutput: string,
  fieldsFor: (target: Parameter) => BackwardPromptFields,
  selective = true,
): Promise<GradientFor[]> {
  const pending = targets.filter((to) => !to.hasGradient(gradientId(out, to)));
  return Promise.all(
    pending.map(async (to): Promise<GradientFor> => {
      if (selective && out.score !== undefined && engine.shouldSkip(out.score)) {
        engine.counts.skipped++;
        return {
          to,
          gradient: newGradient(out, to, {
            feedback: noErrorFeedback(out.score),
            inputOutput,
            isSkipped: true,
          }),
        };
      }
      const fb = await engine.ask(fieldsFor(to));
      return {
        to,
        gradient: newGradient(out, to, {
          feedback: fb.text,
          request: fb.request,
          isFailure: fb.failed,
          inputOutput,
        }),
      };
    }),
  );
}

/**
 * The engine-call fields that depend only on the output node and the target, the same for every
 * component that forwards its successors' feedback (generators, functions).
 */
export function feedbackFields(
  out: Parameter,
  target: Parameter,
): Pick<
  BackwardPromptFields,
  'target' | 'peers' | 'groundTruth' | 'score' | 'successorFeedback' | 'outputRole' | 'usedBy' | 'hint'
> {
  return {
    target: targetOf(target),
    peers: target.peers.map(listVariable),
    groundTruth: displayGroundTruth(out.groundTruth),
    score: out.score,
    successorFeedback: out.gradients.map((g) => g.feedback),
    outputRole: out.description,
    usedBy: [...new Set(out.gradients.map((g) => g.fromComponentName))],
    hint: target.hints.backward,
  };
}

export function listVariable(p: Parameter): ListedVariable {
  return { name: p.name, role: p.description, kind: p.kind, trainable: p.trainable, value: p.display() };
}

export function targetOf(p: Parameter): BackwardPromptFields['target'] {
  return { name: p.name, role: p.description, kind: p.kind, value: p.display() };
}

/** Input and output of a call (and the expected answer when known), as the optimizer will see them. */
export function renderInputOutput(input: string, output: string, groundTruth: unknown): string {
  const parts = [`Input:\n${input}`, `Output:\n${output}`];
  if (groundTruth !== undefined) parts.push(`Expected answer:\n${defaultDisplay(groundTruth)}`);
  return parts.join('\n');
}

export function displayGroundTruth(value: unknown): string | undefined {
  return value === undefined ? undefined : defaultDisplay(value);
}
