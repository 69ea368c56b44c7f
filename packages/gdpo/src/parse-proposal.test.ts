import { describe, expect, it } from 'vitest';
import { parseProposal } from './parse-proposal';

describe('parseProposal', () => {
  it('reads the tagged sections', () => {
    const r = parseProposal(
      '<REASONING>because</REASONING>\n<METHOD>add instruction</METHOD>\n<PROPOSED_VALUE>\nCount each item.\n</PROPOSED_VALUE>',
    );
    expect(r).toEqual({
      ok: true,
      proposal: { reasoning: 'because', method: 'add instruction', value: 'Count each item.', via: 'tags' },
    });
  });

  it('takes an unclosed value tag to the end of the answer', () => {
    const r = parseProposal('<METHOD>m</METHOD><PROPOSED_VALUE>Be precise.');
    expect(r.ok && r.proposal.value).toBe('Be precise.');
  });

  it('falls back to a fenced JSON object', () => {
    const r = parseProposal(
      'Sure!\n```json\n{"reasoning":"r","method":"m","proposed_variable":"New prompt"}\n```',
    );
    expect(r.ok && r.proposal).toMatchObject({ value: 'New prompt', method: 'm', via: 'json' });
  });

  it('falls back to a bare JSON object', () => {
    const r = parseProposal('{"proposed_value": "P", "reasoning": "x"}');
    expect(r.ok && r.proposal).toMatchObject({ value: 'P', reasoning: 'x', via: 'json' });
  });

  it('falls back to a single fenced block', () => {
    const r = parseProposal('Here it is:\n```\nYou count things.\n```');
    expect(r.ok && r.proposal).toMatchObject({ value: 'You count things.', via: 'fenced' });
  });

  it('fails on chatter, an empty value or several fenced blocks', () => {
    expect(parseProposal('I think the prompt is fine.').ok).toBe(false);
    expect(parseProposal('<PROPOSED_VALUE>  </PROPOSED_VALUE>').ok).toBe(false);
    expect(parseProposal('```\na\n```\n```\nb\n```').ok).toBe(false);
  });

  it('a failure quotes the first 200 characters of the answer it could not read', () => {
    const answer = `${'x'.repeat(199)}Y${'z'.repeat(100)}`;
    const r = parseProposal(answer);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toContain(`${'x'.repeat(199)}Y"`);
      expect(r.error).not.toContain('z');
    }
  });
});
