import { readTags } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import { type BackwardPromptFields, renderBackwardPrompt } from './backward-engine';

const PASSAGES = 'Paris | Paris is the capital and most populous city of France, on the Seine river.';

function userMessage(f: Partial<BackwardPromptFields>): string {
  const messages = renderBackwardPrompt({
    target: { name: 'answer.instr', role: 'instruction', kind: 'prompt', value: 'Answer.' },
    peers: [],
    component: { kind: 'generator', name: 'answer' },
    inputs: `<CONTEXT>\n${PASSAGES}\n</CONTEXT>\n\n<QUESTION>\nWhat is the capital of France?\n</QUESTION>`,
    otherInputs: [],
    output: 'Lyon',
    successorFeedback: ['Wrong city.'],
    ...f,
  });
  return messages[1]?.content ?? '';
}

describe('renderBackwardPrompt, OTHER_INPUTS', () => {
  it('points to COMPONENT_INPUTS instead of repeating a value they already show', () => {
    const user = userMessage({
      otherInputs: [
        { name: 'retrieve.output', role: 'passages', kind: 'output', trainable: true, value: PASSAGES },
      ],
    });
    const other = readTags(user, 'OTHER_INPUTS')[0] ?? '';
    expect(other).toContain('<NAME>retrieve.output</NAME>');
    expect(other).toContain('(shown in COMPONENT_INPUTS)');
    expect(user.split(PASSAGES)).toHaveLength(2); // the passages once, in COMPONENT_INPUTS
  });

  it('lists a value the inputs do not show, and a short one even when they do', () => {
    const unseen = 'A value that appears nowhere in the rendered inputs of this call, long enough to matter.';
    const user = userMessage({
      otherInputs: [
        { name: 'memo', role: 'notes', kind: 'output', trainable: true, value: unseen },
        { name: 'q', role: 'question', kind: 'output', trainable: true, value: 'What is the capital' },
      ],
    });
    const other = readTags(user, 'OTHER_INPUTS')[0] ?? '';
    expect(other).toContain(unseen);
    expect(other).toContain('What is the capital');
    expect(other).not.toContain('(shown in');
  });
});
