import { describe, expect, it } from 'vitest';
import { TAGS, tag } from './prompt-tags';
import { NoRuleError, ruleModel } from './rule-model';
import { ScriptedModel } from './scripted-model';

const ask = (system: string, user: string) => ({
  messages: [
    { role: 'system' as const, content: system },
    { role: 'user' as const, content: user },
  ],
});

describe('ruleModel', () => {
  const model = ruleModel([
    {
      when: 'List the items',
      // The instruction matters: only "one per line" gets every item.
      answer: ({ system, user }) =>
        system.includes('one per line') ? user.split(' and ').join('\n') : (user.split(' and ')[0] ?? ''),
    },
    { when: /^Count/, answer: '3' },
  ]);

  it('answers by the first matching rule, reading the prompt', async () => {
    expect((await model.complete(ask('List the items.', 'a and b and c'))).text).toBe('a');
    expect((await model.complete(ask('List the items, one per line.', 'a and b and c'))).text).toBe(
      'a\nb\nc',
    );
    expect((await model.complete(ask('Count them', 'x'))).text).toBe('3');
    const r = await model.complete(ask('Count them', 'x'));
    // Answered here, not billed: zero tokens, marked local (see local-calls.test.ts for the ledger).
    expect(r.usage).toMatchObject({ promptTokens: 0, completionTokens: 0 });
    expect(r.local).toBe(true);
    expect(model.calls).toHaveLength(4);
  });

  it('fails naming the call when no rule matches and there is no fallback', async () => {
    await expect(model.complete(ask('Translate', 'hola'))).rejects.toBeInstanceOf(NoRuleError);
    await expect(model.complete(ask('Translate', 'hola'))).rejects.toThrow(
      /no rule matches this call.*Translate/,
    );
  });

  it('sends unmatched calls and every backward/optimizer meta-prompt to the fallback', async () => {
    const fallback = ScriptedModel.fn(() => 'from fallback');
    const withFallback = ruleModel([{ when: 'List the items', answer: 'x' }], { fallback });
    const backward = tag(TAGS.backward.marker, 'Review this step. Its prompt: List the items.');
    expect((await withFallback.complete(ask(backward, 'feedback?'))).text).toBe('from fallback');
    expect((await withFallback.complete(ask('Other', 'q'))).text).toBe('from fallback');
    expect(fallback.calls).toHaveLength(2);
  });
});
