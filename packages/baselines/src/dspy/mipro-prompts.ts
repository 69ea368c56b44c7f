/**
 * MIPROv2's grounded-proposal requests, in our words and the project's tagged sections:
 * - data observations (one call per batch of examples) and a summary of them;
 * - a description of the program (its components and prompts), then of each prompt's module;
 * - one instruction proposal per candidate: the data summary, the program and module descriptions,
 *   example demonstrations, a prompting tip, and the current instruction.
 * The describing requests carry the describing marker (DESCRIPTION_TASK, in their system message); the
 * examples they show sit inside EXAMPLES, so a reader never mistakes them for a question to answer. The
 * proposal request is an optimizer request (PROMPT_OPTIMIZATION_TASK) answered in PROPOSED_VALUE tags.
 */
import { type ChatMessage, inlineTag, TAGS, tag } from '@llm-autodiff/llm';

const O = TAGS.optimizer;
const I = TAGS.item;
const T = TAGS.task;

/** Sections of the MIPRO requests that the simulated world does not read. */
export const MIPRO_TAGS = {
  observations: 'PRIOR_OBSERVATIONS',
  summary: 'DATASET_SUMMARY',
  program: 'PROGRAM',
  programDescription: 'PROGRAM_DESCRIPTION',
  moduleDescription: 'MODULE_DESCRIPTION',
  demos: 'TASK_DEMOS',
  tip: 'TIP',
} as const;
const M = MIPRO_TAGS;

/** Prompting tips, one drawn per proposal (the reference's tips, in our words). */
export const TIPS: Record<string, string> = {
  none: '',
  creative: 'Do not be afraid to be creative when writing the instruction.',
  simple: 'Keep the instruction clear and concise.',
  description: 'Make the instruction very informative and descriptive.',
  high_stakes: 'The instruction should say that the task is high stakes and precision matters.',
  persona: 'Include a persona that fits the task in the instruction.',
};

const DESCRIBER_SYSTEM = tag(
  TAGS.describe.marker,
  'You describe data sets and programs that call language models, plainly and briefly, from what you are shown.',
);

/** A describing request: the describing system message, then the user text. */
function describing(user: string): ChatMessage[] {
  return [
    { role: 'system', content: DESCRIBER_SYSTEM },
    { role: 'user', content: user },
  ];
}

function examples(items: string[]): string {
  return tag(T.examples, items.map((x) => tag(T.example, x)).join('\n'));
}

export function observationPrompt(items: string[], prior: string): ChatMessage[] {
  const user = [
    'Here are examples from a data set. Write down what you observe about them: the kind of task, the form of',
    'the inputs and of the expected answers, the topics, anything unusual. Add only observations that are not',
    'already among the prior observations; if there is nothing new to add, answer with the word COMPLETE.',
    examples(items),
    tag(M.observations, prior || '(none yet)'),
  ];
  return describing(user.join('\n'));
}

export function summaryPrompt(observations: string): ChatMessage[] {
  return describing(
    `Summarize these observations about a data set in two to three sentences, for someone who must write instructions for the task.\n${tag(M.observations, observations)}`,
  );
}

export interface PromptView {
  name: string;
  role: string;
  value: string;
}

function promptList(prompts: PromptView[]): string {
  return prompts
    .map((p) =>
      tag(I.entry, [inlineTag(I.name, p.name), inlineTag(I.role, p.role), tag(I.value, p.value)].join('\n')),
    )
    .join('\n');
}

/** Example runs of a step, shown to the describing calls (none: the reference's "no task demos"). */
function exampleRuns(demos: readonly string[]): string {
  return tag(M.demos, demos.length ? demos.map((d) => tag(I.entry, d)).join('\n') : '(none)');
}

export function programPrompt(
  program: string,
  components: string[],
  prompts: PromptView[],
  demos: readonly string[] = [],
): ChatMessage[] {
  const user = [
    `A program named "${program}" calls language models in these steps: ${components.join(' -> ')}.`,
    'Its prompts:',
    tag(M.program, promptList(prompts)),
    'Example runs of one of its steps:',
    exampleRuns(demos),
    'Describe in two to three sentences what the program does and how its steps work together.',
  ];
  return describing(user.join('\n'));
}

export function modulePrompt(
  programDescription: string,
  target: PromptView,
  demos: readonly string[] = [],
): ChatMessage[] {
  const user = [
    tag(M.programDescription, programDescription),
    'One of its prompts:',
    tag(M.program, promptList([target])),
    'Example runs of the step:',
    exampleRuns(demos),
    'Describe in one or two sentences the job of the step that uses this prompt within the program.',
  ];
  return describing(user.join('\n'));
}

const PROPOSER_SYSTEM = `You write instructions for one step of a program that calls language models.
You get a summary of the data set, a description of the program and of the step, example
demonstrations of the step, a tip, and the step's current instruction. Write a new instruction that
helps the language model do this step well on this data.

Answer with ${inlineTag(O.answer.reasoning, 'one or two sentences')} and the instruction, nothing else,
between the tags ${inlineTag(O.answer.value, '...')}.`;

export interface ProposalFields {
  summary: string;
  programDescription: string;
  moduleDescription: string;
  target: PromptView;
  demos: string[];
  tip: string;
}

export function proposalPrompt(f: ProposalFields): ChatMessage[] {
  const user = [
    tag(M.summary, f.summary),
    tag(M.programDescription, f.programDescription),
    tag(M.moduleDescription, f.moduleDescription),
    tag(M.demos, f.demos.length ? f.demos.map((d) => tag(I.entry, d)).join('\n') : '(none)'),
    'The current instruction:',
    tag(
      O.variable,
      [inlineTag(I.name, f.target.name), inlineTag(I.role, f.target.role), tag(I.value, f.target.value)].join(
        '\n',
      ),
    ),
  ];
  if (f.tip) user.push(tag(M.tip, f.tip));
  user.push(`Propose the new instruction for ${f.target.name}.`);
  return [
    { role: 'system', content: tag(O.marker, PROPOSER_SYSTEM) },
    { role: 'user', content: user.join('\n\n') },
  ];
}
