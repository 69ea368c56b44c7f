import { type ChatMessage, inlineTag, TAGS, tag } from '@llm-autodiff/llm';

/**
 * The backward-engine meta-prompt: one request computes the textual gradient of one variable for one
 * component call. Wording is ours; the section tags come from `TAGS.backward` / `TAGS.item` (the simulated
 * world and any parser read the request by them), so change wording freely but keep every field in its tag.
 */

const B = TAGS.backward;
const I = TAGS.item;

/** A parameter as listed in PEERS / OTHER_INPUTS. */
export interface ListedVariable {
  name: string;
  role: string;
  /** Parameter kind: prompt, demos, input, output, hyperparam. */
  kind: string;
  trainable: boolean;
  value: string;
}

export interface BackwardPromptFields {
  /** `kind` is the parameter kind (prompt, demos, input, output). */
  target: { name: string; role: string; kind: string; value: string };
  peers: ListedVariable[];
  component: { kind: 'generator' | 'loss' | 'function'; name: string; description?: string };
  /**
   * The call's inputs as the component saw them: for a generator its rendered user message (with the task's
   * own tags, e.g. QUESTION), for other components `namedInputs(...)`.
   */
  inputs: string;
  otherInputs: ListedVariable[];
  output: string;
  groundTruth?: string;
  score?: number;
  /** Feedback the output received from later components, in call order (empty for a loss). */
  successorFeedback: string[];
  /** The output's role, and the later components that read it (from its feedback), for the objective. */
  outputRole?: string;
  usedBy?: string[];
  /** The target's `hints.backward`. */
  hint?: string;
}

const SYSTEM = `You are the feedback engine of an optimizer that improves the prompts of a multi-step LLM system.
The system handled one sample and its final answer was scored against the expected answer. Feedback travels
backward from that score one component at a time, the way gradients travel backward through a network.

You review ONE call of ONE component and ONE variable of it, given in ${B.variable}. You also get the
other parameters of the same component (${B.peers}: context only, they get their own review), the component
(${B.component}), what it received (${B.inputs}, ${B.otherInputs}), what it produced (${B.output}), and when known
the expected answer (${B.groundTruth}), the sample's score (${B.score}) and what later components said about
this output (${B.successorFeedback}).

Explain how the target variable contributed to the problems described and how it should change.
1. First trace how the variable is used to produce the output.
2. Another input may be the real cause. If the target is not responsible, say so plainly instead of inventing a change.
3. Respect the variable's role: feedback on an instruction is about what the instruction says; feedback on an
   intermediate result is about what that result should have contained.
4. Be specific, critical and direct: name the concrete mistake. Do not rewrite the variable yourself.
5. Three sentences at most.

Repeated calls: a component may run several times for one sample (loops, agent steps). Feedback about such
calls is listed in call order; read it in that order.`;

function listed(itemTag: string, items: ListedVariable[]): string {
  if (items.length === 0) return '(none)';
  return items
    .map((v) =>
      tag(
        itemTag,
        [
          inlineTag(I.name, v.name),
          inlineTag(I.role, v.role),
          inlineTag(I.kind, v.kind),
          inlineTag(I.trainable, v.trainable ? 'yes' : 'no'),
          tag(I.value, v.value),
        ].join('\n'),
      ),
    )
    .join('\n');
}

function objective(f: BackwardPromptFields): string {
  let usedAs = f.outputRole ? ` Its output is the ${f.outputRole}` : '';
  if (usedAs && f.usedBy?.length) usedAs += `, read next by: ${f.usedBy.join(', ')}`;
  if (usedAs) usedAs += '.';
  switch (f.component.kind) {
    case 'loss':
      return `The component is the evaluation: it compared the target (the system's answer) with ${B.groundTruth} and gave ${B.score}.
Say concisely why the score is what it is: state the expected answer and how the target differs from it
(content, form, missing or extra parts). If the score is perfect, say that no change is needed.`;
    case 'generator':
      return `The component is an LLM call.${usedAs}
Using ${B.successorFeedback}, say how the target variable should change so that this call produces a better
output. If the feedback says the output was fine, say that no change is needed.`;
    case 'function':
      return `The component is a function over several inputs.${usedAs}
Split the blame described in ${B.successorFeedback} among its inputs: say how much of it comes from the
target input and what the target should have been instead.`;
  }
}

/** Below this length a value costs about what the note replacing it does, so it is shown again. */
const MIN_REPEATED_CHARS = 80;

/**
 * Other inputs whose value the call's inputs already show verbatim (a generator's context, every input of
 * a function) are listed by name and role with a pointer instead of a second copy: the reviewer reads
 * them once anyway (multi-hop GDPO backward prompt 1280 -> 1180 tokens a call, smoke tokens bench, 1 seed).
 */
function withoutRepeats(items: ListedVariable[], inputs: string): ListedVariable[] {
  return items.map((v) => {
    const value = v.value.trim();
    return value.length >= MIN_REPEATED_CHARS && inputs.includes(value)
      ? { ...v, value: `(shown in ${B.inputs})` }
      : v;
  });
}

/** Inputs listed by name, for components without a rendered message (functions, the loss). */
export function namedInputs(inputs: Array<{ name: string; value: string }>): string {
  return inputs.map((x) => `${x.name}:\n${x.value}`).join('\n\n');
}

/** Render the request: the marker-tagged system message and the tagged user message. */
export function renderBackwardPrompt(f: BackwardPromptFields): ChatMessage[] {
  const component = [inlineTag(I.kind, f.component.kind), `name: ${f.component.name}`];
  if (f.component.description) component.push(`description: ${f.component.description}`);
  const sections = [
    tag(
      B.variable,
      [
        inlineTag(I.name, f.target.name),
        inlineTag(I.role, f.target.role),
        inlineTag(I.kind, f.target.kind),
        tag(I.value, f.target.value),
      ].join('\n'),
    ),
    tag(B.peers, listed(I.peer, f.peers)),
    tag(B.component, component.join('\n')),
    tag(B.inputs, f.inputs || '(none)'),
    tag(B.otherInputs, listed(I.input, withoutRepeats(f.otherInputs, f.inputs))),
    tag(B.output, f.output),
  ];
  if (f.groundTruth !== undefined) sections.push(tag(B.groundTruth, f.groundTruth));
  if (f.score !== undefined) sections.push(inlineTag(B.score, f.score));
  if (f.component.kind !== 'loss') {
    const entries = f.successorFeedback.map((text) => tag(I.entry, text));
    sections.push(tag(B.successorFeedback, entries.length ? entries.join('\n') : '(none)'));
  }
  sections.push(objective(f));
  if (f.hint) sections.push(`Note from the user about this variable: ${f.hint}`);
  return [
    { role: 'system', content: tag(B.marker, SYSTEM) },
    { role: 'user', content: sections.join('\n\n') },
  ];
}
