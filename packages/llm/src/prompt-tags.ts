/**
 * Tag names of the project's meta-prompts (backward engine, optimizer) and of task inputs.
 *
 * Prompts are readable text with XML-like tagged sections. The tags are the contract between the
 * prompt templates (in `core` and `gdpo`) and anything that reads a prompt's structure — the parsers of
 * model answers, and the simulated world, which recognizes a request's role from these sections exactly
 * as a reader would. A template may change its wording freely; it must keep these tags.
 */
export const TAGS = {
  backward: {
    /** Present in the system message of every backward-engine request. */
    marker: 'TEXTUAL_GRADIENT_TASK',
    /** The variable that receives feedback: children NAME, ROLE, VALUE. */
    variable: 'TARGET_VARIABLE',
    /** Other parameters of the same component: children PEER (NAME, ROLE, TRAINABLE, VALUE). */
    peers: 'PEERS',
    /** The component whose call is judged: `kind` in KIND (generator | loss | function), then its description. */
    component: 'COMPONENT',
    /** The call's inputs as the component saw them (rendered by each input's display function). */
    inputs: 'COMPONENT_INPUTS',
    /** Other predecessors of the output, not the target: children INPUT (NAME, ROLE, TRAINABLE, VALUE). */
    otherInputs: 'OTHER_INPUTS',
    output: 'COMPONENT_OUTPUT',
    groundTruth: 'GROUND_TRUTH',
    score: 'SCORE',
    /** Feedback the output received from its successors, in call order. */
    successorFeedback: 'SUCCESSOR_FEEDBACK',
  },
  optimizer: {
    /** Present in the system message of every optimizer request. */
    marker: 'PROMPT_OPTIMIZATION_TASK',
    variable: 'TARGET_VARIABLE',
    peers: 'PEERS',
    otherPrompts: 'OTHER_PROMPTS',
    stepsSinceImprovement: 'STEPS_SINCE_IMPROVEMENT',
    /** Top-k past values: children ENTRY (VALUE, SCORE), best first. */
    history: 'PAST_VALUES',
    /** This step's rejected proposals: children ENTRY (METHOD, REASONING, VALUE, SCORE). */
    failedProposals: 'FAILED_PROPOSALS',
    /** Rendered gradients: children SAMPLE (SAMPLE_ID, AVERAGE_SCORE, then ENTRY: CALL_INDEX, INPUT_OUTPUT, SCORE, FEEDBACK). */
    gradients: 'GRADIENTS',
    constraints: 'CONSTRAINTS',
    /** In the system message: the prompting techniques to combine with an edit (absent in the Table 3 ablation). */
    techniques: 'PROMPTING_TECHNIQUES',
    /** Sections of the optimizer's answer. */
    answer: { reasoning: 'REASONING', method: 'METHOD', value: 'PROPOSED_VALUE' },
  },
  /**
   * Describing requests (e.g. MIPRO's data observations, data summary, program and module descriptions):
   * describe what the request shows; no example to answer, no variable to edit.
   */
  describe: {
    /** Present in the system message of every describing request. */
    marker: 'DESCRIPTION_TASK',
  },
  /** Item tags used inside the sections above. */
  item: {
    name: 'NAME',
    role: 'ROLE',
    value: 'VALUE',
    trainable: 'TRAINABLE',
    kind: 'KIND',
    peer: 'PEER',
    input: 'INPUT',
    entry: 'ENTRY',
    sample: 'SAMPLE',
    sampleId: 'SAMPLE_ID',
    averageScore: 'AVERAGE_SCORE',
    inputOutput: 'INPUT_OUTPUT',
    score: 'SCORE',
    feedback: 'FEEDBACK',
    method: 'METHOD',
    reasoning: 'REASONING',
    callIndex: 'CALL_INDEX',
  },
  /** Sections of task-model user messages written by the pipelines. */
  task: {
    question: 'QUESTION',
    context: 'CONTEXT',
    /** Few-shot demonstrations: children EXAMPLE. */
    examples: 'EXAMPLES',
    example: 'EXAMPLE',
    /** ReAct: tool descriptions and the steps so far. */
    tools: 'TOOLS',
    steps: 'STEPS',
    /** The previous query of a multi-hop query generator. */
    previousQuery: 'PREVIOUS_QUERY',
  },
} as const;

/** `<NAME>body</NAME>` on its own lines. */
export function tag(name: string, body: string): string {
  return `<${name}>\n${body}\n</${name}>`;
}

/** `<NAME>body</NAME>` on one line, for short values. */
export function inlineTag(name: string, body: string | number): string {
  return `<${name}>${body}</${name}>`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Bodies of every top-level `<NAME>…</NAME>` in `text`, trimmed, in order. Nested same-name tags are not supported. */
export function readTags(text: string, name: string): string[] {
  const re = new RegExp(`<${escapeRegExp(name)}>([\\s\\S]*?)</${escapeRegExp(name)}>`, 'g');
  return [...text.matchAll(re)].map((m) => (m[1] ?? '').trim());
}

/** Body of the first `<NAME>…</NAME>` in `text`, trimmed; `undefined` when absent. */
export function readTag(text: string, name: string): string | undefined {
  return readTags(text, name)[0];
}
