import { param } from '@llm-autodiff/core';
import { readTag, readTags, ScriptedModel, TAGS } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import { GdpoOptimizer } from './gdpo-optimizer';

const O = TAGS.optimizer;
const answer = (v: string) =>
  `<REASONING>r</REASONING><METHOD>m</METHOD><PROPOSED_VALUE>${v}</PROPOSED_VALUE>`;

function system() {
  const query = param('Write a query.', { name: 'query', description: 'query instruction' });
  const instr = param('Answer briefly.', { name: 'answer', description: 'answer instruction' });
  const format = param('Reply as JSON.', { name: 'format', description: 'output format', trainable: false });
  // Peers of one component, as generator() sets them.
  instr.peers = [instr, format];
  format.peers = [instr, format];
  return { query, instr, format, all: [query, instr, format] };
}

describe('GdpoOptimizer', () => {
  it('makes one uncached optimizer call per trainable prompt, with peers and the other prompts', async () => {
    const s = system();
    const model = ScriptedModel.fn((req) => {
      const target = readTag(readTag(req.messages[1]?.content ?? '', O.variable) ?? '', TAGS.item.name);
      return answer(`${target} v2`);
    });
    const opt = new GdpoOptimizer({ model, parameters: s.all, feedback: 'none' });
    await opt.propose();
    expect(model.calls).toHaveLength(2);
    expect(model.calls.every((c) => c.context?.role === 'optimizer' && c.context.noCache)).toBe(true);
    expect([s.query.value, s.instr.value, s.format.value]).toEqual([
      'query v2',
      'answer v2',
      'Reply as JSON.',
    ]);
    const targetOf = (u: string) => readTag(readTag(u, O.variable) ?? '', TAGS.item.name);
    const forAnswer =
      model.calls.map((c) => c.request.messages[1]?.content ?? '').find((u) => targetOf(u) === 'answer') ??
      '';
    const peers = readTags(readTag(forAnswer, O.peers) ?? '', TAGS.item.peer);
    expect(peers.map((p) => readTag(p, TAGS.item.name))).toEqual(['format']);
    expect(readTag(forAnswer, O.otherPrompts)).toContain('Write a query.');
    // Both prompts were built before either value changed.
    expect(readTag(forAnswer, O.otherPrompts)).not.toContain('query v2');
    opt.revert();
    expect([s.query.value, s.instr.value]).toEqual(['Write a query.', 'Answer briefly.']);
  });

  it('shows history and failed proposals, and leaves out peers and history when switched off', async () => {
    const s = system();
    const model = ScriptedModel.fn(() => answer('new'));
    const opt = new GdpoOptimizer({ model, parameters: [s.instr, s.format], feedback: 'none' });
    opt.addScore(0.5);
    await opt.propose();
    opt.rememberFailure(0.25);
    opt.revert();
    await opt.propose();
    const u = model.calls[1]?.request.messages[1]?.content ?? '';
    expect(readTags(readTag(u, O.history) ?? '', TAGS.item.entry)).toHaveLength(1);
    expect(readTag(readTag(u, O.failedProposals) ?? '', TAGS.item.score)).toBe('0.2500');
    opt.revert();
    opt.zeroGrad();
    expect(opt.memory.failedProposals('answer')).toEqual([]);

    const bare = new GdpoOptimizer({
      model,
      parameters: [s.instr, s.format],
      feedback: 'none',
      historySize: 0,
      usePeers: false,
    });
    bare.addScore(0.5);
    await bare.propose();
    const v = model.calls.at(-1)?.request.messages[1]?.content ?? '';
    expect(v).not.toContain(`<${O.history}>`);
    expect(v).not.toContain(`<${O.peers}>`);
  });

  it('keeps the old value when the answer cannot be parsed', async () => {
    const s = system();
    const opt = new GdpoOptimizer({
      model: ScriptedModel.sequence(['no idea']),
      parameters: [s.instr],
      feedback: 'none',
    });
    await opt.propose();
    expect(s.instr.value).toBe('Answer briefly.');
    expect(opt.stats.parseFailures).toBe(1);
    expect(opt.changedAnything()).toBe(false);
    opt.rememberFailure();
    expect(opt.memory.failedProposals('answer')).toEqual([]);
  });

  it('refuses a program without trainable prompts', () => {
    const s = system();
    expect(() => new GdpoOptimizer({ model: ScriptedModel.sequence([]), parameters: [s.format] })).toThrow(
      /no trainable prompt/,
    );
  });
});
