/**
 * The GDPO optimizer meta-prompt: one request per trainable prompt per proposal.
 *
 * Sections are tagged with `TAGS.optimizer` / `TAGS.item` from `@llm-autodiff/llm`. The tags are the
 * contract (answer parsers and the simulated world read them); the wording around them is ours and may
 * change freely. Optional sections are left out entirely when an ablation switches them off, so the
 * optimizer never sees an empty "history" that it could misread as "nothing ever worked".
 */
import { type ChatMessage, inlineTag, TAGS, tag } from '@llm-autodiff/llm';

const O = TAGS.optimizer;
const I = TAGS.item;

export interface PromptVariableView {
  name: string;
  role: string;
  value: string;
  trainable: boolean;
}

export interface PastValue {
  value: string;
  score: number;
}

export interface FailedProposalView {
  method: string;
  reasoning: string;
  /** Absent when failed proposals are rendered as the reference does (method and reasoning only). */
  value?: string;
  /** Score the proposal reached at the gate that rejected it (absent when it never ran). */
  score?: number;
}

export interface OptimizerPromptInput {
  target: PromptVariableView;
  /** Other prompt slots of the same component; `undefined` = the no-peers ablation. */
  peers?: PromptVariableView[];
  /** Prompts of the other components of the system. */
  otherPrompts: PromptVariableView[];
  stepsSinceImprovement: number;
  /** Best first; `undefined` = the no-history ablation. */
  history?: PastValue[];
  /** Proposals already rejected in this step, oldest first. */
  failed: FailedProposalView[];
  /** Rendered gradients (or input/output/score only); `undefined` = no backward at all. */
  feedback?: string;
  constraints: string[];
  /** The parameter's own hint to the optimizer. */
  instruction?: string;
  /** Show the prompting-techniques section (default true; false = the paper's Table 3 ablation). */
  promptTechniques?: boolean;
}

const ROLE = `You are the prompt engineer of a compound LLM system: a program that calls language models
through prompts. Your job is to improve ONE prompt of that system, the target variable, so that the whole
system gets more answers right.`;

const HOW_TO_WORK = `How to work:
- Read the feedback. It was collected on a small batch of examples: for each example you see what the
  component received and produced, the score of the final answer (from 0, wrong, to 1, right), and a critique
  of the target variable. Several entries with the same sample id come from repeated calls of the same
  component for one example, in call order.
- Find the concept the prompt is missing, the one that explains most of the low scores, and fix that.
- Edit, do not rewrite. Choose one editing method:
  1. add an instruction that addresses the feedback,
  2. add a short worked example (input, reasoning, answer) when the task needs reasoning,
  3. rephrase or replace an instruction or an example that misleads the model,
  4. delete words that do not help.`;

const TECHNIQUES = `Combine the edit with one of these prompting techniques:
1. give the model context and a role;
2. be specific and unambiguous, in plain grammatical sentences;
3. ask for step-by-step reasoning before the answer;
4. show an example of the task done well;
5. state the output format and the constraints the answer must meet;
6. ask the model to check its answer before giving it.`;

const RULES = `- Keep what already works: the past values and their validation scores show which changes helped.
- Stay within the job of this variable: the peers and the other prompts of the system do their own part.
  Do not repeat what they already say and do not move their instructions into this one.
- The change must help the whole batch, not one example: never copy an example's answer into the prompt
  unless it is a demonstration.
- If earlier proposals of this step were rejected, try something different from them.
- The more steps since the last improvement, the bolder the edit may be.`;

function answerForm(techniques: boolean): string {
  const method = techniques
    ? 'the editing method and the prompting technique you used'
    : 'the editing method you used';
  return `Answer in exactly this form:
${inlineTag(O.answer.reasoning, 'why the change fixes the feedback, in one to three sentences')}
${inlineTag(O.answer.method, method)}
${tag(O.answer.value, 'the complete new value of the target variable, nothing else')}`;
}

/** The instructions; without techniques the section and every mention of it are left out. */
function systemText(techniques: boolean): string {
  return [
    ROLE,
    HOW_TO_WORK,
    ...(techniques ? [tag(O.techniques, TECHNIQUES)] : []),
    RULES,
    answerForm(techniques),
  ].join('\n\n');
}

function renderVariable(v: PromptVariableView): string {
  return [inlineTag(I.name, v.name), inlineTag(I.role, v.role), tag(I.value, v.value)].join('\n');
}

function renderPeer(v: PromptVariableView, itemTag: string): string {
  return tag(
    itemTag,
    [
      inlineTag(I.name, v.name),
      inlineTag(I.role, v.role),
      inlineTag(I.trainable, v.trainable ? 'yes' : 'no'),
      tag(I.value, v.value),
    ].join('\n'),
  );
}

function score(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : String(x);
}

export function buildOptimizerSystemMessage(instruction?: string, promptTechniques = true): string {
  const extra = instruction ? `\n\nA note from the system's author about this variable:\n${instruction}` : '';
  return tag(O.marker, systemText(promptTechniques) + extra);
}

export function buildOptimizerUserMessage(input: OptimizerPromptInput): string {
  const parts: string[] = [];
  parts.push(
    `You are ${inlineTag(O.stepsSinceImprovement, input.stepsSinceImprovement)} steps past the last accepted improvement.` +
      ' After more than three steps without improvement, make a larger change.',
  );
  parts.push(`The variable to improve:\n${tag(O.variable, renderVariable(input.target))}`);
  if (input.peers !== undefined && input.peers.length > 0) {
    parts.push(
      'Other prompt slots of the same component, sent to the model together with the target' +
        ` (TRAINABLE tells whether they are optimized too):\n${tag(O.peers, input.peers.map((p) => renderPeer(p, I.peer)).join('\n'))}`,
    );
  }
  if (input.otherPrompts.length > 0) {
    parts.push(
      'Prompts of the other components of the system. They work together with the target towards the final' +
        ` answer; keep each prompt to its own job:\n${tag(O.otherPrompts, input.otherPrompts.map((p) => renderPeer(p, I.input)).join('\n'))}`,
    );
  }
  if (input.history !== undefined && input.history.length > 0) {
    const entries = input.history.map((h) =>
      tag(I.entry, [tag(I.value, h.value), inlineTag(I.score, score(h.score))].join('\n')),
    );
    parts.push(
      'Best values so far with their validation scores, best first. Your proposal must score higher than all' +
        ` of them:\n${tag(O.history, entries.join('\n'))}`,
    );
  }
  if (input.failed.length > 0) {
    const entries = input.failed.map((f) =>
      tag(
        I.entry,
        [
          inlineTag(I.method, f.method),
          tag(I.reasoning, f.reasoning),
          ...(f.value === undefined ? [] : [tag(I.value, f.value)]),
          ...(f.score === undefined ? [] : [inlineTag(I.score, score(f.score))]),
        ].join('\n'),
      ),
    );
    parts.push(
      'Proposals already tried in this step on the same batch and feedback; none of them improved the score.' +
        ` Take a different approach:\n${tag(O.failedProposals, entries.join('\n'))}`,
    );
  }
  if (input.feedback !== undefined) {
    parts.push(
      `Feedback on the target variable from the batch, worst examples first:\n${tag(O.gradients, input.feedback)}`,
    );
  }
  if (input.constraints.length > 0) {
    parts.push(
      `Constraints the new value must respect:\n${tag(O.constraints, input.constraints.map((c, i) => `${i + 1}. ${c}`).join('\n'))}`,
    );
  }
  parts.push(`Propose the new value of ${input.target.name}.`);
  return parts.join('\n\n');
}

export function buildOptimizerMessages(input: OptimizerPromptInput): ChatMessage[] {
  return [
    {
      role: 'system',
      content: buildOptimizerSystemMessage(input.instruction, input.promptTechniques ?? true),
    },
    { role: 'user', content: buildOptimizerUserMessage(input) },
  ];
}
