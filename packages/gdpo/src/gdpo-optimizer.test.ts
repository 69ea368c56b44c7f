import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { param } from '@llm-autodiff/core';
import { ManagedModel, ResponseCache, readTag, readTags, ScriptedModel, TAGS } from '@llm-autodiff/llm';
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
  it('makes one optimizer call per trainable prompt, with peers and the other prompts', async () => {
    const s = system();
    const model = ScriptedModel.fn((req) => {
      const target = readTag(readTag(req.messages[1]?.content ?? '', O.variable) ?? '', TAGS.item.name);
      return answer(`${target} v2`);
    });
    const opt = new GdpoOptimizer({ model, parameters: s.all, feedback: 'none' });
    await opt.propose();
    expect(model.calls).toHaveLength(2);
    expect(model.calls.every((c) => c.context?.role === 'optimizer' && !c.context.noCache)).toBe(true);
    expect(model.calls.map((c) => c.context?.cacheSalt)).toEqual([
      '|step=0|proposal=0',
      '|step=0|proposal=0',
    ]);
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

const userOf = (model: ScriptedModel, i = -1) => model.calls.at(i)?.request.messages[1]?.content ?? '';
const systemOf = (model: ScriptedModel, i = -1) => model.calls.at(i)?.request.messages[0]?.content ?? '';

describe('GdpoOptimizer options', () => {
  it.each([0, 1, 2, 5])('historySize %i shows the top %i past values', async (historySize) => {
    const s = system();
    const model = ScriptedModel.fn(() => answer('new'));
    const opt = new GdpoOptimizer({ model, parameters: [s.instr], feedback: 'none', historySize });
    for (const [i, score] of [0.1, 0.6, 0.3, 0.5, 0.2, 0.4].entries()) {
      s.instr.value = `value ${i}`;
      opt.addScore(score);
    }
    await opt.propose();
    const entries = readTags(readTag(userOf(model), O.history) ?? '', TAGS.item.entry);
    expect(entries.map((e) => readTag(e, TAGS.item.score))).toEqual(
      ['0.6000', '0.5000', '0.4000', '0.3000', '0.2000'].slice(0, historySize),
    );
    expect(userOf(model).includes(`<${O.history}>`)).toBe(historySize > 0);
  });

  it("failedRendering 'reference' shows method and reasoning only; 'full' adds value and score", async () => {
    const shown = async (failedRendering?: 'reference' | 'full') => {
      const s = system();
      const model = ScriptedModel.fn(() => answer('tried value'));
      const opt = new GdpoOptimizer({ model, parameters: [s.instr], feedback: 'none', failedRendering });
      await opt.propose();
      opt.rememberFailure(0.25);
      opt.revert();
      await opt.propose();
      const entry = readTags(readTag(userOf(model), O.failedProposals) ?? '', TAGS.item.entry)[0] ?? '';
      const I = TAGS.item;
      return [
        readTag(entry, I.method),
        readTag(entry, I.reasoning),
        readTag(entry, I.value),
        readTag(entry, I.score),
      ];
    };
    expect(await shown('reference')).toEqual(['m', 'r', undefined, undefined]);
    expect(await shown('full')).toEqual(['m', 'r', 'tried value', '0.2500']);
    expect(await shown()).toEqual(['m', 'r', 'tried value', '0.2500']); // default
  });

  it("onParseFailure 'raw' takes the answer text as the proposal (and remembers it when rejected)", async () => {
    const s = system();
    const opt = new GdpoOptimizer({
      model: ScriptedModel.sequence(['  Count every item twice.  ', 'again']),
      parameters: [s.instr],
      feedback: 'none',
      onParseFailure: 'raw',
    });
    await opt.propose();
    expect(s.instr.value).toBe('Count every item twice.');
    expect(opt.current.get(s.instr.id)).toMatchObject({ parsed: false, raw: true });
    expect(opt.stats.parseFailures).toBe(1);
    expect(opt.changedAnything()).toBe(true);
    opt.rememberFailure(0.1);
    opt.revert();
    expect(opt.memory.failedProposals('answer')).toEqual([
      { method: '', reasoning: '', value: 'Count every item twice.', score: 0.1 },
    ]);
    expect(s.instr.value).toBe('Answer briefly.');
  });

  it("onParseFailure 'raw' keeps the old value on an empty answer", async () => {
    const s = system();
    const opt = new GdpoOptimizer({
      model: ScriptedModel.sequence(['   ']),
      parameters: [s.instr],
      feedback: 'none',
      onParseFailure: 'raw',
    });
    await opt.propose();
    expect(s.instr.value).toBe('Answer briefly.');
    expect(opt.changedAnything()).toBe(false);
  });

  it('promptTechniques false leaves the techniques section out of the instructions', async () => {
    const s = system();
    const model = ScriptedModel.fn(() => answer('new'));
    await new GdpoOptimizer({ model, parameters: [s.instr], feedback: 'none' }).propose();
    const withTechniques = systemOf(model);
    expect(readTag(withTechniques, O.techniques)).toContain('step-by-step reasoning');
    s.instr.revert();
    await new GdpoOptimizer({
      model,
      parameters: [s.instr],
      feedback: 'none',
      promptTechniques: false,
    }).propose();
    const without = systemOf(model);
    expect(without).toContain(O.marker);
    expect(without).not.toContain(`<${O.techniques}>`);
    expect(without).not.toMatch(/prompting technique/i);
    expect(without.length).toBeLessThan(withTechniques.length);
  });

  it('temperature overrides the request options; other options stay', async () => {
    const s = system();
    const model = ScriptedModel.fn(() => answer('new'));
    const opt = new GdpoOptimizer({
      model,
      parameters: [s.instr],
      feedback: 'none',
      options: { temperature: 0.2, maxTokens: 500 },
      temperature: 1,
    });
    await opt.propose();
    expect(model.calls[0]?.request.options).toEqual({ temperature: 1, maxTokens: 500 });
  });

  it('salts each proposal with the base salt, the step and its index in the step', async () => {
    const s = system();
    const model = ScriptedModel.fn(() => answer('new'));
    const opt = new GdpoOptimizer({ model, parameters: [s.instr], feedback: 'none', cacheSalt: 'seed=7/r1' });
    opt.zeroGrad();
    opt.labels = { step: 3 };
    for (let i = 0; i < 2; i++) {
      await opt.propose();
      opt.revert();
    }
    opt.zeroGrad();
    opt.labels = { step: 4 };
    await opt.propose();
    expect(model.calls.map((c) => c.context?.cacheSalt)).toEqual([
      'seed=7/r1|step=3|proposal=0',
      'seed=7/r1|step=3|proposal=1',
      'seed=7/r1|step=4|proposal=0',
    ]);
  });

  it('proposals are cached: a re-run with the same salt replays them without calling the model', async () => {
    const cache = new ResponseCache({
      path: join(mkdtempSync(join(tmpdir(), 'gdpo-cache-')), 'cache.sqlite'),
    });
    let n = 0;
    const inner = ScriptedModel.fn(() => answer(`proposal ${++n}`), { id: 'scripted:opt' });
    const run = async (cacheSalt: string) => {
      const s = system();
      const opt = new GdpoOptimizer({
        model: new ManagedModel(inner, { cache }),
        parameters: [s.instr],
        feedback: 'none',
        cacheSalt,
      });
      const values: string[] = [];
      for (let i = 0; i < 2; i++) {
        await opt.propose();
        values.push(String(s.instr.value));
        opt.revert();
      }
      return values;
    };
    const first = await run('r0');
    expect(first).toEqual(['proposal 1', 'proposal 2']); // same request, two proposals: two samples
    expect(await run('r0')).toEqual(first);
    expect(inner.calls).toHaveLength(2);
    expect(await run('r1')).toEqual(['proposal 3', 'proposal 4']); // another repeat samples anew
    cache.close();
  });

  it('rejects unknown option values', () => {
    const s = system();
    const model = ScriptedModel.sequence([]);
    expect(
      () =>
        new GdpoOptimizer({ model, parameters: [s.instr], failedRendering: 'short' as unknown as 'full' }),
    ).toThrow(/failedRendering/);
    expect(
      () => new GdpoOptimizer({ model, parameters: [s.instr], onParseFailure: 'drop' as unknown as 'keep' }),
    ).toThrow(/onParseFailure/);
    expect(() => new GdpoOptimizer({ model, parameters: [s.instr], temperature: -1 })).toThrow(/temperature/);
    expect(() => new GdpoOptimizer({ model, parameters: [s.instr], historySize: -1 })).toThrow(/historySize/);
  });
});
