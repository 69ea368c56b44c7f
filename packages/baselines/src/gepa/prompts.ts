/**
 * GEPA's reflection request, in our words and the project's tagged sections: the component's current
 * instruction and, for each minibatch example, what the component received, what it produced and how
 * the result was scored (GEPA's (inputs, outputs, feedback) tuples; with a plain metric the feedback is
 * the score). The reflection model infers the task, finds what the low-scoring outputs lack and writes
 * a new instruction. The reference asks for the instruction in a fenced block; the project's contract
 * uses the PROPOSED_VALUE tags.
 */
import { type ChatMessage, inlineTag, TAGS, tag } from '@llm-autodiff/llm';

const O = TAGS.optimizer;
const I = TAGS.item;

const SYSTEM = `You improve the instruction of one component of an LLM system by reflecting on how it did.
You get the component's current instruction and examples: the input the component received, the output
it produced, and how the final result was scored (from 0, wrong, to 1, right; and feedback when there is any).

1. Read the inputs and infer the task and the format of its inputs.
2. Compare the low-scoring outputs with the high-scoring ones: what did the failing ones get wrong?
3. Note any domain knowledge or general strategy the task needs; the component cannot see these examples
   later, so the instruction must hold everything it needs.
4. Write a complete new instruction for the component.

Answer with ${inlineTag(O.answer.reasoning, 'what you found, briefly')} and the new instruction,
nothing else, between the tags ${inlineTag(O.answer.value, '...')}.`;

export interface ReflectionFields {
  target: { name: string; role: string; value: string };
  /** Rendered examples (core `renderGradients(p, { feedback: false })`, or with feedback when given). */
  examples: string;
}

export function reflectionPrompt(f: ReflectionFields): ChatMessage[] {
  const user = [
    'The current instruction of the component:',
    tag(
      O.variable,
      [inlineTag(I.name, f.target.name), inlineTag(I.role, f.target.role), tag(I.value, f.target.value)].join(
        '\n',
      ),
    ),
    'Examples of what the component received and produced with this instruction, and their scores:',
    tag(O.gradients, f.examples),
    `Write the new instruction for ${f.target.name}.`,
  ];
  return [
    { role: 'system', content: tag(O.marker, SYSTEM) },
    { role: 'user', content: user.join('\n\n') },
  ];
}
