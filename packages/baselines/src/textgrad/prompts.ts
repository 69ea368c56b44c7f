/**
 * TextGrad's meta-prompts, in our words and in the project's tagged sections (packages/sim/CONTRACT.md),
 * keeping the reference's structure:
 * - backward, "base" (the evaluation node): the evaluated call and its result; criticize the variable.
 * - backward, "chain" (an LLM call whose output received feedback): the conversation (system prompt,
 *   input, output), what the output was used as and the feedback it received; criticize the variable.
 *   The engine only criticizes; it never proposes a new version.
 * - TGD: the variable, its role, each gradient with the conversation it came from, optional past
 *   feedback (gradient memory) and constraints; answer with the improved variable between tags.
 * There is no PEERS section, no score and no expected answer in the chain prompt: TextGrad has neither.
 */
import { type ChatMessage, inlineTag, TAGS, tag } from '@llm-autodiff/llm';

const B = TAGS.backward;
const O = TAGS.optimizer;
const I = TAGS.item;

/** The whole system message of the reviewed call (a TextGrad conversation shows it); not read by the sim. */
export const LM_SYSTEM_PROMPT = 'LM_SYSTEM_PROMPT';
/** Gradient memory of TGD: feedback of earlier steps; not read by the sim. */
export const PAST_FEEDBACK = 'PAST_FEEDBACK';

const BACKWARD_SYSTEM = `You are part of an optimization system that improves the variables of an LLM system from
its results. Your job: give feedback on ONE variable so that the objective gets better.
Only criticize. Explain how the variable could change and why; do not write a new version of it.
If the variable already serves the objective well, say that nothing needs to change.
Keep it short and concrete.`;

export interface TextGradTarget {
  name: string;
  role: string;
  kind: string;
  value: string;
}

function target(t: TextGradTarget): string {
  return tag(
    B.variable,
    [
      inlineTag(I.name, t.name),
      inlineTag(I.role, t.role),
      inlineTag(I.kind, t.kind),
      tag(I.value, t.value),
    ].join('\n'),
  );
}

export interface ChainFields {
  target: TextGradTarget;
  component: string;
  systemPrompt: string;
  input: string;
  output: string;
  /** What the output was used as (its role). */
  usedAs: string;
  /** Feedback the output received, in call order. */
  feedback: string[];
}

export function chainPrompt(f: ChainFields): ChatMessage[] {
  const user = [
    'A language model was called in a conversation. Its system prompt, its input and its output:',
    tag(LM_SYSTEM_PROMPT, f.systemPrompt || '(none)'),
    tag(B.component, [inlineTag(I.kind, 'generator'), `name: ${f.component}`].join('\n')),
    tag(B.inputs, f.input),
    tag(B.output, f.output),
    `This output is used as ${f.usedAs}. Here is the feedback it received from later in the system:`,
    tag(B.successorFeedback, f.feedback.map((x) => tag(I.entry, x)).join('\n') || '(none)'),
    'The variable to criticize is part of this conversation:',
    target(f.target),
    'Given the feedback on the output, explain how this variable should change so that the output improves.' +
      ' Criticize only; do not propose a new version.',
  ];
  return [
    { role: 'system', content: tag(B.marker, BACKWARD_SYSTEM) },
    { role: 'user', content: user.join('\n\n') },
  ];
}

export interface BaseFields {
  target: TextGradTarget;
  component: string;
  description: string;
  inputs: string;
  output: string;
  groundTruth?: string;
  score?: number;
}

export function basePrompt(f: BaseFields): ChatMessage[] {
  const user = [
    'An evaluation function scored a prediction. Its inputs and its result:',
    tag(
      B.component,
      [inlineTag(I.kind, 'loss'), `name: ${f.component}`, `description: ${f.description}`].join('\n'),
    ),
    tag(B.inputs, f.inputs),
    tag(B.output, f.output),
  ];
  if (f.groundTruth !== undefined) user.push(tag(B.groundTruth, f.groundTruth));
  if (f.score !== undefined) user.push(inlineTag(B.score, f.score));
  user.push(
    'The variable to criticize is the evaluated prediction:',
    target(f.target),
    'Explain how the prediction should change to get a better evaluation. Criticize only; do not propose a new version.',
  );
  return [
    { role: 'system', content: tag(B.marker, BACKWARD_SYSTEM) },
    { role: 'user', content: user.join('\n\n') },
  ];
}

const TGD_SYSTEM = `You are part of an optimization system that improves text (a variable) of an LLM system.
You receive the variable, its role, and feedback on it collected from several conversations; the feedback
may be noisy. Improve the variable so that it addresses the feedback, and keep it fit for its role.
Answer with the improved variable, and nothing else, between the tags ${inlineTag(O.answer.value, '...')}.
You may first explain your reasoning between ${inlineTag(O.answer.reasoning, '...')}.`;

export interface TgdFields {
  target: { name: string; role: string; value: string };
  /** Each gradient with the conversation it came from, grouped by sample. */
  samples: Array<{ sampleId: string; entries: Array<{ context: string; feedback: string }> }>;
  /** Gradient memory: feedback of earlier steps, oldest first. */
  pastFeedback: string[];
  constraints: string[];
}

export function tgdPrompt(f: TgdFields): ChatMessage[] {
  const samples = f.samples.map((s) =>
    tag(
      I.sample,
      [
        inlineTag(I.sampleId, s.sampleId),
        ...s.entries.map((e) =>
          tag(I.entry, [tag(I.inputOutput, e.context), tag(I.feedback, e.feedback)].join('\n')),
        ),
      ].join('\n'),
    ),
  );
  const user = [
    `The role of the variable: ${f.target.role}.`,
    tag(
      O.variable,
      [inlineTag(I.name, f.target.name), inlineTag(I.role, f.target.role), tag(I.value, f.target.value)].join(
        '\n',
      ),
    ),
    'The conversations the variable took part in, with the feedback on the variable from each:',
    tag(O.gradients, samples.join('\n') || '(no feedback)'),
  ];
  if (f.pastFeedback.length > 0) {
    user.push(
      'Feedback on this variable from earlier iterations. When the same problem comes back, make a bigger change:',
      tag(PAST_FEEDBACK, f.pastFeedback.map((x) => tag(I.entry, x)).join('\n')),
    );
  }
  if (f.constraints.length > 0) {
    user.push(
      'The new variable must respect these constraints:',
      tag(O.constraints, f.constraints.map((c, i) => `${i + 1}. ${c}`).join('\n')),
    );
  }
  user.push(`Improve the variable (${f.target.role}) using the feedback above.`);
  return [
    { role: 'system', content: tag(O.marker, TGD_SYSTEM) },
    { role: 'user', content: user.join('\n\n') },
  ];
}
