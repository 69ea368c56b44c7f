import { readTag, readTags, TAGS } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import { buildOptimizerMessages, type OptimizerPromptInput } from './gdpo';

const O = TAGS.optimizer;
const I = TAGS.item;

const full: OptimizerPromptInput = {
  target: { name: 'system_prompt', role: 'task instruction', value: 'Count the items.', trainable: true },
  peers: [{ name: 'format', role: 'output format', value: 'Answer: N', trainable: false }],
  otherPrompts: [{ name: 'query', role: 'query writer', value: 'Write a query.', trainable: true }],
  stepsSinceImprovement: 4,
  history: [
    { value: 'Best prompt', score: 0.9 },
    { value: 'Older prompt', score: 0.8 },
  ],
  failed: [{ method: 'add example', reasoning: 'r1', value: 'Tried value', score: 0.5 }],
  feedback: '<SAMPLE>s1</SAMPLE>',
  constraints: ['Keep it short.'],
  instruction: 'Try examples.',
};

describe('optimizer meta-prompt', () => {
  it('puts the marker in the system message and every section in the user message', () => {
    const [system, user] = buildOptimizerMessages(full);
    expect(system?.role).toBe('system');
    expect(system?.content).toContain(O.marker);
    expect(system?.content).toContain('Try examples.');
    const u = user?.content ?? '';
    expect(readTag(u, O.stepsSinceImprovement)).toBe('4');
    const target = readTag(u, O.variable) ?? '';
    expect(readTag(target, I.name)).toBe('system_prompt');
    expect(readTag(target, I.role)).toBe('task instruction');
    expect(readTag(target, I.value)).toBe('Count the items.');
    const peer = readTags(readTag(u, O.peers) ?? '', I.peer)[0] ?? '';
    expect(readTag(peer, I.trainable)).toBe('no');
    expect(readTag(peer, I.value)).toBe('Answer: N');
    expect(readTag(u, O.otherPrompts)).toContain('Write a query.');
    const history = readTags(readTag(u, O.history) ?? '', I.entry);
    expect(history.map((h) => readTag(h, I.value))).toEqual(['Best prompt', 'Older prompt']);
    expect(readTag(history[0] ?? '', I.score)).toBe('0.9000');
    const failed = readTags(readTag(u, O.failedProposals) ?? '', I.entry)[0] ?? '';
    expect([readTag(failed, I.method), readTag(failed, I.reasoning), readTag(failed, I.value)]).toEqual([
      'add example',
      'r1',
      'Tried value',
    ]);
    expect(readTag(u, O.gradients)).toBe('<SAMPLE>s1</SAMPLE>');
    expect(readTag(u, O.constraints)).toBe('1. Keep it short.');
  });

  it('leaves out the sections an ablation switches off', () => {
    const [, user] = buildOptimizerMessages({
      ...full,
      peers: undefined,
      history: undefined,
      feedback: undefined,
      failed: [],
      otherPrompts: [],
      constraints: [],
    });
    const u = user?.content ?? '';
    for (const t of [O.peers, O.history, O.gradients, O.failedProposals, O.otherPrompts, O.constraints])
      expect(u).not.toContain(`<${t}>`);
    expect(readTag(u, O.variable)).toContain('Count the items.');
  });
});

describe('optimizer meta-prompt switches', () => {
  it('renders a failed proposal without value and score as the reference does', () => {
    const [, user] = buildOptimizerMessages({
      ...full,
      failed: [{ method: 'add example', reasoning: 'r1' }],
    });
    const failed = readTags(readTag(user?.content ?? '', O.failedProposals) ?? '', I.entry)[0] ?? '';
    expect(readTag(failed, I.method)).toBe('add example');
    expect(failed).not.toContain(`<${I.value}>`);
    expect(failed).not.toContain(`<${I.score}>`);
  });

  it('has a techniques section by default and none in the ablation', () => {
    const [withSection] = buildOptimizerMessages(full);
    const [without] = buildOptimizerMessages({ ...full, promptTechniques: false });
    expect(
      readTag(withSection?.content ?? '', O.techniques)
        ?.split('\n')
        .filter((l) => /^\d\./.test(l)),
    ).toHaveLength(6);
    expect(without?.content).not.toContain(O.techniques);
    expect(without?.content).toContain('Try examples.');
  });
});
