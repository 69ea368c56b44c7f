/**
 * Reference renderings of the backward-engine and optimizer prompts in the shape CONTRACT.md describes.
 * The sim's own tests use them; core and gdpo write their own templates (checked by the cross-package
 * contract test), so these are examples of the contract, not the project's meta-prompts.
 */
import { type ChatMessage, inlineTag, TAGS, tag } from '@llm-autodiff/llm';

const B = TAGS.backward;
const O = TAGS.optimizer;
const I = TAGS.item;

/** A two-message request: a system prompt and a user message. */
export function chat(system: string, user: string): ChatMessage[] {
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

export interface VariableSpec {
  name: string;
  role?: string;
  value: string;
  kind?: string;
  trainable?: boolean;
}

function variableBody(v: VariableSpec): string {
  return [
    inlineTag(I.name, v.name),
    inlineTag(I.role, v.role ?? v.name),
    v.kind ? inlineTag(I.kind, v.kind) : '',
    v.trainable === undefined ? '' : inlineTag(I.trainable, String(v.trainable)),
    tag(I.value, v.value),
  ]
    .filter(Boolean)
    .join('\n');
}

export interface BackwardSpec {
  target: VariableSpec;
  peers?: VariableSpec[];
  componentKind: 'generator' | 'loss' | 'function' | 'retriever';
  inputs: string;
  output: string;
  groundTruth?: string;
  score?: number;
  successorFeedback?: string;
}

export function backwardMessages(s: BackwardSpec): ChatMessage[] {
  const user = [
    tag(B.variable, variableBody(s.target)),
    s.peers?.length ? tag(B.peers, s.peers.map((p) => tag(I.peer, variableBody(p))).join('\n')) : '',
    tag(B.component, `${inlineTag(I.kind, s.componentKind)}\nThe component under review.`),
    tag(B.inputs, s.inputs),
    tag(B.output, s.output),
    s.groundTruth === undefined ? '' : inlineTag(B.groundTruth, s.groundTruth),
    s.score === undefined ? '' : inlineTag(B.score, s.score),
    s.successorFeedback ? tag(B.successorFeedback, s.successorFeedback) : '',
  ]
    .filter(Boolean)
    .join('\n');
  return chat(
    tag(B.marker, 'You review one step of an LLM system and explain what the target variable should change.'),
    user,
  );
}

export interface OptimizerEntry {
  inputOutput: string;
  score: number;
  feedback?: string;
}

export interface OptimizerSpec {
  target: VariableSpec;
  peers?: VariableSpec[];
  history?: { value: string; score: number }[];
  failed?: { method: string; reasoning: string; value?: string }[];
  samples: { id: string; entries: OptimizerEntry[] }[];
  /** Show a `<PROMPTING_TECHNIQUES>` section in the system message (default true, as GDPO's prompt). */
  techniques?: boolean;
  /** Other prompts of the system (`<OTHER_PROMPTS>` items). */
  otherPrompts?: VariableSpec[];
  /** Labelled demonstrations (`Input: … Output: …`), shown as `<ENTRY>` items of a section of their own. */
  demos?: string[];
}

export function optimizerMessages(s: OptimizerSpec): ChatMessage[] {
  const samples = s.samples.map((smp) =>
    tag(
      I.sample,
      [
        inlineTag(I.sampleId, smp.id),
        inlineTag(
          I.averageScore,
          smp.entries.reduce((a, e) => a + e.score, 0) / Math.max(1, smp.entries.length),
        ),
        ...smp.entries.map((e, i) =>
          tag(
            I.entry,
            [
              inlineTag(I.callIndex, i),
              tag(I.inputOutput, e.inputOutput),
              inlineTag(I.score, e.score),
              e.feedback === undefined ? '' : tag(I.feedback, e.feedback),
            ]
              .filter(Boolean)
              .join('\n'),
          ),
        ),
      ].join('\n'),
    ),
  );
  const user = [
    tag(O.variable, variableBody(s.target)),
    s.peers?.length ? tag(O.peers, s.peers.map((p) => tag(I.peer, variableBody(p))).join('\n')) : '',
    s.history?.length
      ? tag(
          O.history,
          s.history
            .map((h) => tag(I.entry, `${tag(I.value, h.value)}\n${inlineTag(I.score, h.score)}`))
            .join('\n'),
        )
      : '',
    s.failed?.length
      ? tag(
          O.failedProposals,
          s.failed
            .map((f) =>
              tag(
                I.entry,
                [
                  inlineTag(I.method, f.method),
                  inlineTag(I.reasoning, f.reasoning),
                  f.value ? tag(I.value, f.value) : '',
                ]
                  .filter(Boolean)
                  .join('\n'),
              ),
            )
            .join('\n'),
        )
      : '',
    s.otherPrompts?.length
      ? tag(O.otherPrompts, s.otherPrompts.map((p) => tag(I.input, variableBody(p))).join('\n'))
      : '',
    s.demos?.length ? tag('DEMONSTRATIONS', s.demos.map((d) => tag(I.entry, d)).join('\n')) : '',
    tag(O.gradients, samples.join('\n')),
  ]
    .filter(Boolean)
    .join('\n');
  const techniques =
    s.techniques === false
      ? ''
      : `\n${tag(O.techniques, 'Be specific; state the output format; ask for step-by-step reasoning.')}`;
  return chat(
    tag(
      O.marker,
      `You improve one prompt of an LLM system. Answer with REASONING, METHOD and PROPOSED_VALUE.${techniques}`,
    ),
    user,
  );
}
