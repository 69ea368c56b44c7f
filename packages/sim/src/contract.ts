/**
 * The role-recognition contract (see ../CONTRACT.md): which role a request plays and which tagged
 * fields the simulated world reads, from the request text alone.
 */
import { type ChatMessage, TAGS } from '@llm-autodiff/llm';
import { detectFormat, type OutputFormat } from './format';
import { hasTag, readAllNested, readNested, stripSections } from './text';

export type SimRole = 'task' | 'backward' | 'optimizer' | 'describe';

export interface ParsedVariable {
  name?: string;
  role?: string;
  value: string;
  kind?: string;
  trainable?: boolean;
}

export interface TaskFields {
  question?: string;
  context?: string;
  examples: string[];
  tools?: string;
  steps?: string;
  previousQuery?: string;
  /** All text except the data sections: system prompts, peers, tool descriptions. */
  instruction: string;
  format: OutputFormat;
}

export interface BackwardFields {
  target?: ParsedVariable;
  peers: ParsedVariable[];
  componentKind?: string;
  component?: string;
  inputs?: string;
  otherInputs: ParsedVariable[];
  output?: string;
  groundTruth?: string;
  score?: number;
  successorFeedback?: string;
}

export interface DescribeFields {
  /** The `<EXAMPLE>`s inside `<EXAMPLES>`: examples to observe. */
  examples: string[];
  /** The prompts shown (`<ENTRY>` items with `<NAME>`, `<ROLE>`, `<VALUE>`). */
  prompts: ParsedVariable[];
  /** The request text outside the examples (instructions, prior observations, descriptions). */
  rest: string;
}

export interface FeedbackEntry {
  callIndex?: number;
  inputOutput?: string;
  score?: number;
  feedback?: string;
}

export interface FeedbackSample {
  sampleId?: string;
  averageScore?: number;
  entries: FeedbackEntry[];
}

export interface OptimizerFields {
  target?: ParsedVariable;
  peers: ParsedVariable[];
  otherPrompts?: string;
  stepsSinceImprovement?: number;
  history: { value: string; score?: number }[];
  failedProposals: { method?: string; reasoning?: string; value?: string; score?: number }[];
  samples: FeedbackSample[];
  constraints?: string;
  /** The other prompts of the system (`<OTHER_PROMPTS>` items), as variables. */
  otherPromptItems: ParsedVariable[];
  /**
   * Whether the request shows the target's output format anywhere: a format request in any text (the
   * variable, a peer, another prompt, a format section) or visible outputs in a structured format.
   */
  formatShown: boolean;
  /**
   * Labelled examples the request shows outside its feedback (e.g. demonstrations): `<ENTRY>` or
   * `<EXAMPLE>` items that hold a `<QUESTION>` and an output or expected answer.
   */
  labelledExamples: string[];
}

export type ParsedRequest =
  | { role: 'task'; fields: TaskFields }
  | { role: 'backward'; fields: BackwardFields }
  | { role: 'optimizer'; fields: OptimizerFields }
  | { role: 'describe'; fields: DescribeFields };

const DATA_SECTIONS = [
  TAGS.task.question,
  TAGS.task.context,
  TAGS.task.examples,
  TAGS.task.steps,
  TAGS.task.previousQuery,
];

/** Where the role marker must appear: the system messages, else the first message. */
function systemText(messages: readonly ChatMessage[]): string {
  const sys = messages.filter((m) => m.role === 'system').map((m) => m.content);
  if (sys.length > 0) return sys.join('\n\n');
  return messages[0]?.content ?? '';
}

export function recognizeRole(messages: readonly ChatMessage[]): SimRole {
  const sys = systemText(messages);
  if (hasTag(sys, TAGS.backward.marker)) return 'backward';
  if (hasTag(sys, TAGS.optimizer.marker)) return 'optimizer';
  if (hasTag(sys, TAGS.describe.marker)) return 'describe';
  return 'task';
}

function num(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = text.match(/-?\d+(?:\.\d+)?/);
  return m ? Number(m[0]) : undefined;
}

function variable(body: string | undefined): ParsedVariable | undefined {
  if (body === undefined) return undefined;
  const t = TAGS.item;
  const trainable = readNested(body, t.trainable);
  return {
    name: readNested(body, t.name),
    role: readNested(body, t.role),
    // A bare body without <VALUE> is the value itself.
    value: readNested(body, t.value) ?? body,
    kind: readNested(body, t.kind),
    trainable: trainable === undefined ? undefined : /^(true|yes|1)/i.test(trainable),
  };
}

function peersOf(text: string): ParsedVariable[] {
  const body = readNested(text, TAGS.backward.peers);
  if (!body) return [];
  return readAllNested(body, TAGS.item.peer).map((p) => variable(p) as ParsedVariable);
}

export function parseTaskFields(text: string): TaskFields {
  const t = TAGS.task;
  const examplesBody = readNested(text, t.examples);
  const instruction = stripSections(text, DATA_SECTIONS);
  // Demos carry their own QUESTION tags: read the call's sections outside them.
  const own = stripSections(text, [t.examples]);
  return {
    question: readNested(own, t.question),
    context: readNested(own, t.context),
    examples: examplesBody ? readAllNested(examplesBody, t.example) : [],
    tools: readNested(own, t.tools),
    steps: readNested(own, t.steps),
    previousQuery: readNested(own, t.previousQuery),
    instruction,
    format: detectFormat(instruction),
  };
}

export function parseBackwardFields(text: string): BackwardFields {
  const b = TAGS.backward;
  const component = readNested(text, b.component);
  const other = readNested(text, b.otherInputs);
  return {
    target: variable(readNested(text, b.variable)),
    peers: peersOf(text),
    componentKind: component ? readNested(component, TAGS.item.kind)?.toLowerCase() : undefined,
    component,
    inputs: readNested(text, b.inputs),
    otherInputs: other ? readAllNested(other, TAGS.item.input).map((p) => variable(p) as ParsedVariable) : [],
    output: readNested(text, b.output),
    groundTruth: readNested(text, b.groundTruth),
    score: num(readNested(text, b.score)),
    successorFeedback: readNested(text, b.successorFeedback),
  };
}

export function parseOptimizerFields(text: string): OptimizerFields {
  const o = TAGS.optimizer;
  const it = TAGS.item;
  const history = readNested(text, o.history);
  const failed = readNested(text, o.failedProposals);
  const grads = readNested(text, o.gradients);
  return {
    target: variable(readNested(text, o.variable)),
    peers: peersOf(text),
    otherPrompts: readNested(text, o.otherPrompts),
    stepsSinceImprovement: num(readNested(text, o.stepsSinceImprovement)),
    history: history
      ? readAllNested(history, it.entry).map((e) => ({
          value: readNested(e, it.value) ?? e,
          score: num(readNested(e, it.score)),
        }))
      : [],
    failedProposals: failed
      ? readAllNested(failed, it.entry).map((e) => ({
          method: readNested(e, it.method),
          reasoning: readNested(e, it.reasoning),
          value: readNested(e, it.value),
          score: num(readNested(e, it.score)),
        }))
      : [],
    samples: grads
      ? readAllNested(grads, it.sample).map((s) => ({
          sampleId: readNested(s, it.sampleId),
          averageScore: num(readNested(s, it.averageScore)),
          entries: readAllNested(s, it.entry).map((e) => ({
            callIndex: num(readNested(e, it.callIndex)),
            inputOutput: readNested(e, it.inputOutput),
            score: num(readNested(e, it.score)),
            feedback: readNested(e, it.feedback),
          })),
        }))
      : [],
    constraints: readNested(text, o.constraints),
    otherPromptItems: (() => {
      const body = readNested(text, o.otherPrompts);
      return body ? readAllNested(body, it.input).map((p) => variable(p) as ParsedVariable) : [];
    })(),
    formatShown: formatShown(text),
    labelledExamples: labelledExamples(text),
  };
}

/** A JSON object or an `Answer:` line in a visible output shows the format in use. */
function formatShown(text: string): boolean {
  if (detectFormat(text).type !== 'none') return true;
  return readAllNested(text, TAGS.item.inputOutput).some((io) => {
    const out = io.slice(io.lastIndexOf('Output:') + 'Output:'.length);
    return /\{\s*"\w+"\s*:/.test(out) || /^\s*Answer:/m.test(out);
  });
}

function labelledExamples(text: string): string[] {
  const o = TAGS.optimizer;
  const outside = stripSections(text, [
    o.gradients,
    o.history,
    o.failedProposals,
    o.variable,
    o.peers,
    o.otherPrompts,
  ]);
  return [...readAllNested(outside, TAGS.item.entry), ...readAllNested(outside, TAGS.task.example)].filter(
    (e) => hasTag(e, TAGS.task.question) && /\b(Output|Expected answer|Answer):/.test(e),
  );
}

export function parseDescribeFields(text: string): DescribeFields {
  const examples = readNested(text, TAGS.task.examples);
  return {
    examples: examples ? readAllNested(examples, TAGS.task.example) : [],
    prompts: readAllNested(text, TAGS.item.entry)
      .map((e) => variable(e))
      .filter((v): v is ParsedVariable => v !== undefined && v.name !== undefined),
    rest: stripSections(text, [TAGS.task.examples]),
  };
}

/** Full text of a request, system first, as one string (sections may sit in any message). */
export function requestText(messages: readonly ChatMessage[]): string {
  return messages.map((m) => m.content).join('\n\n');
}

/** The contract in one call: the role of a request and the fields the sim reads for that role. */
export function parseRequest(messages: readonly ChatMessage[]): ParsedRequest {
  const role = recognizeRole(messages);
  const text = requestText(messages);
  if (role === 'backward') return { role, fields: parseBackwardFields(text) };
  if (role === 'optimizer') return { role, fields: parseOptimizerFields(text) };
  if (role === 'describe') return { role, fields: parseDescribeFields(text) };
  return { role, fields: parseTaskFields(text) };
}
