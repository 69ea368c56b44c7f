import { renderBackwardPrompt, requestText } from '@llm-autodiff/core';
import { describe, expect, it } from 'vitest';
import { backwardRequestParts, INSTRUCTIONS_PART, SYSTEM_PART } from './backward-sections';

/** Counts characters, so the expected figures are easy to state. */
const chars = (text: string) => text.length;

describe('backwardRequestParts', () => {
  it('splits a request into system message, tagged sections and the instructions between them', () => {
    const prompt = [
      'SYSTEM:\nsys',
      'USER:\nIntro line.\n\n<TARGET_VARIABLE>\n<KIND>prompt</KIND>\n</TARGET_VARIABLE>\n\nMiddle.\n\n<SCORE>0.5</SCORE>\n\nEnd.',
    ].join('\n\n');
    const parts = backwardRequestParts(prompt, chars);
    expect([...parts.tokens.keys()]).toEqual([SYSTEM_PART, INSTRUCTIONS_PART, 'TARGET_VARIABLE', 'SCORE']);
    expect(parts.tokens.get(SYSTEM_PART)).toBe(3);
    expect(parts.tokens.get('TARGET_VARIABLE')).toBe(
      '<TARGET_VARIABLE>\n<KIND>prompt</KIND>\n</TARGET_VARIABLE>'.length,
    );
    expect(parts.tokens.get('SCORE')).toBe('<SCORE>0.5</SCORE>'.length);
    // The three untagged runs add up, separators included.
    expect(parts.tokens.get(INSTRUCTIONS_PART)).toBe(
      'Intro line.\n\n'.length + '\n\nMiddle.\n\n'.length + '\n\nEnd.'.length,
    );
    expect(parts.targetKind).toBe('prompt');
    expect(parts.componentKind).toBeUndefined();
  });

  it('keeps a task tag inside a section in that section, and an unclosed tag in the text', () => {
    const prompt =
      'SYSTEM:\ns\n\nUSER:\n<COMPONENT_INPUTS>\n<QUESTION>\nq?\n</QUESTION>\n</COMPONENT_INPUTS>\n<ODD>\nx';
    const parts = backwardRequestParts(prompt, chars);
    expect([...parts.tokens.keys()]).toEqual([SYSTEM_PART, 'COMPONENT_INPUTS', INSTRUCTIONS_PART]);
    expect(parts.tokens.get(INSTRUCTIONS_PART)).toBe('\n<ODD>\nx'.length);
  });

  it("reads core's backward prompt: every section, the target's and the component's kinds, nothing lost", () => {
    const messages = renderBackwardPrompt({
      target: { name: 'hop_prompt', role: 'instruction', kind: 'prompt', value: 'Write a query.' },
      peers: [{ name: 'demos', role: 'examples', kind: 'demos', trainable: false, value: '(none)' }],
      component: { kind: 'generator', name: 'query_gen' },
      inputs: '<QUESTION>\nWho?\n</QUESTION>',
      otherInputs: [],
      output: 'a query',
      successorFeedback: ['The query missed the second entity.'],
    });
    const prompt = requestText(messages);
    const parts = backwardRequestParts(prompt, chars);
    expect(parts.targetKind).toBe('prompt');
    expect(parts.componentKind).toBe('generator');
    for (const section of [
      'TARGET_VARIABLE',
      'PEERS',
      'COMPONENT',
      'COMPONENT_INPUTS',
      'OTHER_INPUTS',
      'COMPONENT_OUTPUT',
      'SUCCESSOR_FEEDBACK',
    ])
      expect(parts.tokens.has(section), section).toBe(true);
    // Every character of the two messages is in exactly one part (minus the separators between parts'
    // runs, which count as instructions): the parts add up to the text.
    const total = [...parts.tokens.values()].reduce((a, b) => a + b, 0);
    const [system, user] = messages.map((m) => m.content);
    expect(total).toBe((system?.length ?? 0) + (user?.length ?? 0));
  });
});
