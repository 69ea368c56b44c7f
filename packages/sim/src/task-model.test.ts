import { TAGS, tag } from '@llm-autodiff/llm';
import { expect, it } from 'vitest';
import {
  goldCounts,
  jsonField,
  lastInteger,
  mixedContext,
  PROMPTS,
  scoreObjectCount,
  split,
} from './calibration';
import type { HotpotExample } from './data/datasets';
import { chat } from './fixtures';
import { MISPLACED_FORMAT_SENTENCE } from './optimizer';
import { PROFILES } from './profiles';
import { createSimModel, simComplete } from './sim-model';
import { describeWithData, HAS_DATA } from './test-data';
import { normalizeAnswer } from './text';
import { slipRate } from './worlds/common';
import { ENTITY_EXTRACTION_RATE } from './worlds/hotpot';
import { entityOf, goldParagraphs, hopOrder } from './worlds/hotpot-context';
import { AGENT_DRIFT_RATE } from './worlds/react';

const task = createSimModel('task');
const q = (text: string) => tag(TAGS.task.question, text);

describeWithData('task worlds', () => {
  const oc = HAS_DATA ? split('object_count') : [];
  const hp = (HAS_DATA ? split('hotpot') : []) as HotpotExample[];

  it('is deterministic: same request, same response; seed changes the world', async () => {
    const msgs = chat(PROMPTS.objectCount.start, q(oc[0]?.question ?? ''));
    const a = await task.complete({ messages: msgs });
    const b = await task.complete({ messages: msgs });
    expect(a.text).toBe(b.text);
    const texts = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5]) {
      for (const e of oc.slice(0, 20))
        texts.add(
          simComplete('task', { messages: chat(PROMPTS.objectCount.start, q(e.question)) }, { seed })
            .choices[0] ?? '',
        );
    }
    expect(texts.size).toBeGreaterThan(20);
  });

  it('obeys a clearly requested format, else answers verbosely so a strict parser fails', async () => {
    let formatted = 0;
    let verboseParsed = 0;
    for (const e of oc.slice(0, 30)) {
      const r1 = await task.complete({ messages: chat(PROMPTS.objectCount.start, q(e.question)) });
      if (/\nAnswer: \d+$/.test(r1.text)) formatted++;
      const r2 = await task.complete({ messages: chat('Count the objects in the question.', q(e.question)) });
      if (e.task === 'object_count' && lastInteger(r2.text) === e.answer) verboseParsed++;
    }
    expect(formatted).toBe(30);
    expect(verboseParsed).toBeLessThan(10);
  });

  it('conflicting format requests (a misplaced edit) break the format for some answers', async () => {
    const trec = split('trec').slice(0, 60);
    const parsed = async (system: string) => {
      let ok = 0;
      for (const e of trec) {
        const r = await task.complete({ messages: chat(system, q(e.question)) });
        if (jsonField(r.text, 'class_name') !== undefined) ok++;
      }
      return ok;
    };
    const clean = await parsed(`${PROMPTS.trec.start}\n${PROMPTS.trec.format}`);
    const conflicting = await parsed(
      `${PROMPTS.trec.start} ${MISPLACED_FORMAT_SENTENCE}\n${PROMPTS.trec.format}`,
    );
    expect(clean).toBe(trec.length);
    expect(conflicting).toBeLessThan(trec.length * 0.8);
  });

  it('a cue fixes its trap, and demos showing the trap handled teach it', async () => {
    const quantity = 'Read number words as quantities: multiply each item by its quantity.';
    const start = await scoreObjectCount(task, PROMPTS.objectCount.start, oc);
    const withCue = await scoreObjectCount(task, `${PROMPTS.objectCount.start} ${quantity}`, oc);
    expect(withCue).toBeGreaterThan(start);
    const demos = split('object_count', 'train')
      .slice(0, 4)
      .map((e) =>
        tag(TAGS.task.example, `${q(e.question)}\nAnswer: ${e.task === 'object_count' ? e.answer : ''}`),
      );
    const withDemos = await scoreObjectCount(
      task,
      `${PROMPTS.objectCount.start}\n${tag(TAGS.task.examples, demos.join('\n'))}`,
      oc,
    );
    expect(withDemos).toBeGreaterThan(start);
    // Wrong demos teach nothing.
    const wrongDemos = split('object_count', 'train')
      .slice(0, 4)
      .map((e) => tag(TAGS.task.example, `${q(e.question)}\nAnswer: 99`));
    const withWrong = await scoreObjectCount(
      task,
      `${PROMPTS.objectCount.start}\n${tag(TAGS.task.examples, wrongDemos.join('\n'))}`,
      oc,
    );
    expect(withWrong).toBeLessThan(withDemos);
  });

  it('a bloated instruction slips more; the teacher slips less', async () => {
    const filler = ' Please be thorough and careful in every respect.'.repeat(60);
    expect(slipRate(PROFILES.task, PROMPTS.objectCount.cued + filler)).toBeGreaterThan(
      slipRate(PROFILES.task, PROMPTS.objectCount.cued) + 0.03,
    );
    const cued = await scoreObjectCount(task, PROMPTS.objectCount.cued, oc);
    const bloated = await scoreObjectCount(task, PROMPTS.objectCount.cued + filler, oc);
    expect(bloated).toBeLessThan(cued);
    expect(cued).toBeLessThan(1);
    expect(slipRate(PROFILES.teacher, 'x')).toBeLessThan(slipRate(PROFILES.task, 'x'));
  });

  it('HotPotQA answers depend on the passages present in the prompt', async () => {
    const system = `${PROMPTS.hotpotAnswer.cued}\n${PROMPTS.hotpotAnswer.format}`;
    let withGold = 0;
    let withoutGold = 0;
    for (const e of hp.slice(0, 50)) {
      const gold = goldParagraphs(e)
        .map((p) => `${p.title} | ${p.text}`)
        .join('\n\n');
      const other = e.context
        .filter((p) => !e.goldTitles.includes(p.title))
        .slice(0, 3)
        .map((p) => `${p.title} | ${p.text}`)
        .join('\n\n');
      const ask = async (ctx: string) =>
        normalizeAnswer(
          jsonField(
            (
              await task.complete({
                messages: chat(system, `${tag(TAGS.task.context, ctx)}\n${q(e.question)}`),
              })
            ).text,
            'answer',
          ) ?? '',
        ) === normalizeAnswer(e.answer);
      if (await ask(gold)) withGold++;
      if (await ask(other)) withoutGold++;
    }
    expect(withGold).toBeGreaterThan(40);
    // Without gold only yes/no and two-entity guesses can be right.
    expect(withoutGold).toBeLessThan(withGold / 2);
  });

  it('the query generator names the bridge entity only with the cue and the first-hop passage', async () => {
    const fmt = 'Respond in JSON: {"reasoning": "...", "query": "..."}.';
    const plain = `Write the next search query to answer the question. ${fmt}`;
    const cued = `Write the next search query. Use the retrieved context to identify the missing entity and name the bridge entity found in the retrieved passages in your query. ${fmt}`;
    let cuedNamed = 0;
    let plainNamed = 0;
    let cuedNoFirst = 0;
    const bridges = hp.filter((e) => e.type === 'bridge').slice(0, 30);
    for (const e of bridges) {
      const { first, second } = hopOrder(e);
      const target = normalizeAnswer(entityOf(second.title));
      const firstCtx = tag(TAGS.task.context, `${first.title} | ${first.text}`);
      const distractor = e.context.find((p) => !e.goldTitles.includes(p.title));
      const noFirst = tag(TAGS.task.context, `${distractor?.title} | ${distractor?.text}`);
      const query = async (sys: string, ctx: string) =>
        normalizeAnswer(
          jsonField(
            (await task.complete({ messages: chat(sys, `${q(e.question)}\n${ctx}`) })).text,
            'query',
          ) ?? '',
        );
      if ((await query(cued, firstCtx)) === target) cuedNamed++;
      if ((await query(plain, firstCtx)) === target) plainNamed++;
      if ((await query(cued, noFirst)) === target) cuedNoFirst++;
    }
    // Told to, the model names the entity for some questions (not all: ENTITY_EXTRACTION_RATE).
    expect(cuedNamed).toBeGreaterThanOrEqual(Math.floor(30 * ENTITY_EXTRACTION_RATE * 0.6));
    expect(plainNamed).toBeLessThan(cuedNamed);
    expect(cuedNoFirst).toBe(0);
  });

  it('the ReAct planner searches entities separately with the cue and finishes', async () => {
    const tools = (finish: string) => tag(TAGS.task.tools, PROMPTS.react.tools(finish));
    const cued = `${PROMPTS.react.cued}\n${tools(PROMPTS.react.finishCued)}\n${PROMPTS.react.format}`;
    const start = `${PROMPTS.react.start}\n${tools(PROMPTS.react.finishStart)}\n${PROMPTS.react.format}`;
    const comparisons = hp.filter((x) => x.type === 'comparison').slice(0, 20);
    const firstSearch = async (system: string, e: HotpotExample) =>
      (await task.complete({ messages: chat(system, `${q(e.question)}\n${tag(TAGS.task.steps, '')}`) })).text;
    let cuedEntity = 0;
    let startEntity = 0;
    for (const e of comparisons) {
      const names = e.goldTitles.map(entityOf);
      const c = await firstSearch(cued, e);
      expect(jsonField(c, 'action')).toBe('search');
      if (names.includes(jsonField(c, 'input') ?? '')) cuedEntity++;
      if (names.includes(jsonField(await firstSearch(start, e), 'input') ?? '')) startEntity++;
    }
    expect(cuedEntity).toBeGreaterThanOrEqual(Math.floor(20 * ENTITY_EXTRACTION_RATE * 0.6));
    expect(startEntity).toBeLessThan(cuedEntity);
    const e = comparisons[0] as HotpotExample;
    const gold = goldParagraphs(e).map((p) => `${p.title} | ${p.text}`);
    const steps = `{"action": "search", "input": "a"}\nObservation: ${gold[0]}\n{"action": "search", "input": "b"}\nObservation: ${gold[1]}`;
    const r3 = await task.complete({
      messages: chat(cued, `${q(e.question)}\n${tag(TAGS.task.steps, steps)}`),
    });
    expect(jsonField(r3.text, 'action')).toBe('finish');
  });

  it('the ReAct planner loses the thread on a fixed share of questions, whatever the prompt', async () => {
    const tools = tag(TAGS.task.tools, PROMPTS.react.tools(PROMPTS.react.finishCued));
    const cued = `${PROMPTS.react.cued}\n${tools}\n${PROMPTS.react.format}`;
    const reworded = `Plan with tools. Search every entity separately; for yes/no questions finish with just yes or no; check both entities of a comparison.\n${tools}\n${PROMPTS.react.format}`;
    const sample = hp.slice(0, 40);
    const wrong = async (system: string) => {
      const out: string[] = [];
      for (const e of sample) {
        const gold = goldParagraphs(e).map((p) => `${p.title} | ${p.text}`);
        const steps = `{"action": "search", "input": "a"}\nObservation: ${gold[0]}\n{"action": "search", "input": "b"}\nObservation: ${gold[1]}`;
        const r = await task.complete({
          messages: chat(system, `${q(e.question)}\n${tag(TAGS.task.steps, steps)}`),
        });
        if (normalizeAnswer(jsonField(r.text, 'input') ?? '') !== normalizeAnswer(e.answer)) out.push(e.id);
      }
      return out;
    };
    const [a, b] = [await wrong(cued), await wrong(reworded)];
    // Both gold passages at hand and every cue expressed: the misses are the planner's drift
    // (AGENT_DRIFT_RATE) plus a few slips, and mostly the same questions under either wording.
    expect(a.length / sample.length).toBeGreaterThan(AGENT_DRIFT_RATE - 0.2);
    expect(a.length / sample.length).toBeLessThan(AGENT_DRIFT_RATE + 0.2);
    expect(a.filter((id) => b.includes(id)).length).toBeGreaterThanOrEqual(Math.floor(a.length * 0.8));
  });

  it('the context mix holds gold passages at the measured BM25 rates', () => {
    const counts = goldCounts(hp, 3);
    let both = 0;
    let some = 0;
    for (const e of hp) {
      const n = counts.get(e.id) ?? 0;
      const ctx = mixedContext(e, n);
      const present = goldParagraphs(e).filter((p) => ctx.includes(p.text.slice(0, 40))).length;
      expect(present).toBe(n);
      if (n === 2) both++;
      if (n >= 1) some++;
    }
    expect(both).toBe(47);
    expect(some).toBe(90);
  });
});
