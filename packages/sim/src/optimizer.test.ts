import { readTag, TAGS, tag } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import { PROMPTS, split } from './calibration';
import type { ObjectCountExample } from './data/datasets';
import { skillsOf } from './diagnose';
import { type OptimizerEntry, type OptimizerSpec, optimizerMessages } from './fixtures';
import { GENERIC_SENTENCES, MISPLACED_FORMAT_SENTENCE } from './optimizer';
import { createSimModel } from './sim-model';
import { expresses, type Skill } from './skills';
import { describeWithData, HAS_DATA } from './test-data';
import { OC_SKILLS, ocQuestion } from './worlds/object-count';
import { countOf } from './worlds/object-count-parse';

const large = createSimModel('large');
const [QUANTITY, CATEGORY, ENUMERATE] = OC_SKILLS as [Skill, Skill, Skill];
const START = PROMPTS.objectCount.start;
const oc = (HAS_DATA ? split('object_count') : []) as ObjectCountExample[];

/** An entry whose feedback names `skill` (or none), about a real example and a wrong answer. */
function entry(i: number, skill?: Skill, withText = true): OptimizerEntry {
  const e = oc[i] as ObjectCountExample;
  return {
    inputOutput: `${tag(TAGS.task.question, e.question)}\nOutput: Answer: ${Number(e.answer) + 1}`,
    score: 0,
    feedback: withText ? (skill?.feedback[i % skill.feedback.length] ?? 'Looks fine.') : undefined,
  };
}

async function propose(spec: OptimizerSpec): Promise<{ value: string; method: string }> {
  const r = await large.complete({ messages: optimizerMessages(spec) });
  const value = readTag(r.text, TAGS.optimizer.answer.value);
  const method = readTag(r.text, TAGS.optimizer.answer.method);
  if (value === undefined || method === undefined) throw new Error(`unparsable proposal: ${r.text}`);
  return { value, method };
}

const added = (value: string, base: string) =>
  OC_SKILLS.filter((s) => expresses(s, value) && !expresses(s, base)).map((s) => s.id);

describeWithData('optimizer', () => {
  const samples = HAS_DATA
    ? [
        { id: 'a', entries: [entry(0, QUANTITY), entry(1, QUANTITY)] },
        { id: 'b', entries: [entry(2, QUANTITY), entry(3, CATEGORY)] },
      ]
    : [];

  it('adds one sentence for the most-mentioned concept, keeping the current value', async () => {
    const p = await propose({ target: { name: 'system_prompt', value: START }, samples });
    expect(added(p.value, START)).toEqual(['oc.quantity']);
    expect(p.value.startsWith(START.slice(0, 40))).toBe(true);
  });

  it('skips a concept a peer already expresses; without peers it duplicates it', async () => {
    const peer = { name: 'rules', value: 'Multiply each item by its quantity.', trainable: false };
    const withPeer = await propose({
      target: { name: 'system_prompt', value: START },
      peers: [peer],
      samples,
    });
    expect(added(withPeer.value, START)).toEqual(['oc.category']);
    const noPeer = await propose({ target: { name: 'system_prompt', value: START }, samples });
    expect(added(noPeer.value, START)).toEqual(['oc.quantity']);
  });

  it('a later proposal that sees the failed one tries the next concept; without it, it repeats', async () => {
    const spec: OptimizerSpec = { target: { name: 'system_prompt', value: START }, samples };
    const first = await propose(spec);
    const again = await propose(spec);
    expect(again.value).toBe(first.value);
    const second = await propose({
      ...spec,
      failed: [{ method: first.method, reasoning: 'rejected', value: first.value }],
    });
    expect(added(second.value, START)).toEqual(['oc.category']);
  });

  it('builds on the best past value when history is shown', async () => {
    const best = `${START} ${ENUMERATE.sentences[0]}`;
    const withHistory = await propose({
      target: { name: 'system_prompt', value: START },
      history: [
        { value: best, score: 0.85 },
        { value: START, score: 0.78 },
      ],
      samples,
    });
    expect(expresses(ENUMERATE, withHistory.value)).toBe(true);
    const noHistory = await propose({ target: { name: 'system_prompt', value: START }, samples });
    expect(expresses(ENUMERATE, noHistory.value)).toBe(false);
  });

  it('without feedback text it finds the right concept less often', async () => {
    let hitsText = 0;
    let hitsNoText = 0;
    const n = 40;
    for (let k = 0; k < n; k++) {
      const idx = [k % 100, (k * 7 + 3) % 100, (k * 13 + 5) % 100];
      // Entries whose answer shows the category mistake (every item counted).
      const mk = (withText: boolean) => ({
        id: `s${k}`,
        entries: idx.map((i) => {
          const e = oc[i] as ObjectCountExample;
          return {
            ...entry(i, CATEGORY, withText),
            inputOutput: `${tag(TAGS.task.question, e.question)}\nOutput: Answer: ${allItems(e)}`,
          };
        }),
      });
      const t = await propose({ target: { name: 'system_prompt', value: START }, samples: [mk(true)] });
      const nt = await propose({ target: { name: 'system_prompt', value: START }, samples: [mk(false)] });
      if (added(t.value, START).includes('oc.category')) hitsText++;
      if (added(nt.value, START).includes('oc.category')) hitsNoText++;
    }
    expect(hitsText).toBeGreaterThan(n * 0.8);
    expect(hitsNoText).toBeLessThan(hitsText - n * 0.2);
    expect(hitsNoText).toBeGreaterThan(0);
  });

  it('sometimes breaks the prompt (drops a sentence)', async () => {
    let broken = 0;
    for (let k = 0; k < 60; k++) {
      const p = await propose({ target: { name: `system_prompt_${k}`, value: START }, samples });
      if (!p.value.includes("'Answer: $VALUE'") || !p.value.includes('Think step by step')) broken++;
    }
    expect(broken).toBeGreaterThan(0);
    expect(broken).toBeLessThan(15);
  });

  it('when the request shows no output format anywhere, it sometimes adds a misplaced format sentence', async () => {
    const instruction = 'Classify the question by the type of answer it expects.';
    const fmt = { name: 'format', value: 'Respond in JSON: {"class_name": "..."}', trainable: false };
    // Outputs in prose show no format; JSON outputs show the format in use.
    const prose = [
      {
        id: 'p',
        entries: [
          {
            inputOutput: `${tag(TAGS.task.question, 'When was X born?')}\nOutput: It is a number.`,
            score: 0,
          },
        ],
      },
    ];
    const json = [
      {
        id: 'j',
        entries: [
          {
            inputOutput: `${tag(TAGS.task.question, 'When was X born?')}\nOutput: {"class_name": "ENTY"}`,
            score: 0,
          },
        ],
      },
    ];
    const tally = { peer: 0, jsonOutputs: 0, nothing: 0 };
    for (let k = 0; k < 40; k++) {
      const target = { name: `trec.instruction_${k}`, value: instruction };
      if ((await propose({ target, samples: prose, peers: [fmt] })).value.includes(MISPLACED_FORMAT_SENTENCE))
        tally.peer++;
      if ((await propose({ target, samples: json })).value.includes(MISPLACED_FORMAT_SENTENCE))
        tally.jsonOutputs++;
      if ((await propose({ target, samples: prose })).value.includes(MISPLACED_FORMAT_SENTENCE))
        tally.nothing++;
    }
    expect(tally.peer).toBe(0);
    expect(tally.jsonOutputs).toBe(0);
    expect(tally.nothing).toBeGreaterThan(4);
  });

  it('without history it drops working sentences more often', async () => {
    let withHistory = 0;
    let noHistory = 0;
    const dropped = (v: string) => !v.includes("'Answer: $VALUE'") || !v.includes('Think step by step');
    // Enough trials that the hash-decided breaks cannot tie by chance (rates differ 2.5x).
    for (let k = 0; k < 400; k++) {
      const spec = { target: { name: `p${k}`, value: START }, samples };
      if (dropped((await propose({ ...spec, history: [{ value: START, score: 0.8 }] })).value)) withHistory++;
      if (dropped((await propose(spec)).value)) noHistory++;
    }
    expect(noHistory).toBeGreaterThan(withHistory * 1.5);
  });

  it("is method-neutral: a section of one method's template changes no rate by its name", async () => {
    // The hash key is the whole request, so single draws differ; the rates must not.
    const tally = { with: 0, without: 0 };
    const n = 120;
    for (let k = 0; k < n; k++) {
      const spec = { target: { name: `p${k}`, value: START }, samples };
      if (added((await propose({ ...spec, techniques: true })).value, START).includes('oc.quantity'))
        tally.with++;
      if (added((await propose({ ...spec, techniques: false })).value, START).includes('oc.quantity'))
        tally.without++;
    }
    // Both near n (the critiques name the concept every time), apart only by the break rate's draws.
    expect(tally.with).toBeGreaterThan(n * 0.8);
    expect(Math.abs(tally.with - tally.without)).toBeLessThan(n * 0.1);
  });

  it('infers concepts from labelled demonstrations it is shown, at the inference rate', async () => {
    // Demonstrations of questions with quantity words, answered right; no failing example, no critique.
    const withQuantity = oc
      .filter((e) => (ocQuestion(e)?.items ?? []).some((i) => i.quantity > 1))
      .slice(0, 4);
    const demos = withQuantity.map(
      (e) => `Input:\n${tag(TAGS.task.question, e.question)}\nOutput:\nAnswer: ${e.answer}`,
    );
    let fromDemos = 0;
    let fromNothing = 0;
    const n = 60;
    for (let k = 0; k < n; k++) {
      const target = { name: `d${k}`, value: START };
      if (added((await propose({ target, samples: [], demos })).value, START).length > 0) fromDemos++;
      if (added((await propose({ target, samples: [] })).value, START).length > 0) fromNothing++;
    }
    expect(fromNothing).toBe(0);
    // INFER_HIT_RATE 0.35 of 60: well above zero, well below all.
    expect(fromDemos).toBeGreaterThan(8);
    expect(fromDemos).toBeLessThan(35);
  });

  it('knows the concepts of every task', () => {
    expect(skillsOf('trec').length).toBeGreaterThanOrEqual(5);
    expect(skillsOf('hotpot').length).toBeGreaterThanOrEqual(6);
  });
});

/** The count a model gets when it counts every listed item, whatever its category. */
function allItems(e: ObjectCountExample): number {
  const q = ocQuestion(e);
  if (!q) throw new Error(`unparsable question: ${e.question}`);
  return countOf(q, { allCategories: true });
}

describeWithData('optimizer: generic reminders', () => {
  it('never repeats a sentence the prompt already has, whatever the feedback', async () => {
    const reminders = GENERIC_SENTENCES;
    for (let k = 0; k < 40; k++) {
      const value = `${START} ${reminders.slice(0, k % (reminders.length + 1)).join(' ')}`;
      const proposed = (await propose({ target: { name: `g${k}`, value }, samples: [] })).value;
      for (const r of reminders) expect(proposed.split(r).length - 1).toBeLessThanOrEqual(1);
    }
  });
});

describe('optimizer: which node failed', () => {
  const question = 'Which city is the birthplace of the director of Jaws?';
  const queryEntry = (feedback?: string): OptimizerEntry => ({
    inputOutput: `${tag(TAGS.task.question, question)}\n${tag(TAGS.task.context, 'Jaws | Jaws is a 1975 film directed by Steven Spielberg.')}\nOutput: {"reasoning": "I will search for the question.", "query": "Which city is the birthplace of the director of Jaws"}`,
    score: 0,
    feedback,
  });
  const others = [
    { name: 'query_0', value: 'Write a search query.', trainable: true },
    { name: 'answer', value: 'Answer the question.', trainable: true },
  ];
  const bridge = skillsOf('hotpot', 'query')[0] as Skill;
  const answerSkills = skillsOf('hotpot', 'answer');

  it('scores only: an intermediate output does not say which node failed, so it often edits for another node', async () => {
    const tally = { own: 0, elsewhere: 0, critique: 0 };
    const n = 150;
    for (let k = 0; k < n; k++) {
      const target = { name: `query_1_${k}`, value: 'Write the next search query.' };
      const blind = (
        await propose({ target, otherPrompts: others, samples: [{ id: 's', entries: [queryEntry()] }] })
      ).value;
      if (expresses(bridge, blind)) tally.own++;
      if (answerSkills.some((s) => expresses(s, blind))) tally.elsewhere++;
      const told = (
        await propose({
          target,
          otherPrompts: others,
          samples: [{ id: 's', entries: [queryEntry(bridge.feedback[0])] }],
        })
      ).value;
      if (expresses(bridge, told)) tally.critique++;
    }
    // A per-node critique names the node and the concept; inference blames this node 1 time in 3 (k = 3).
    expect(tally.critique).toBeGreaterThan(n * 0.8);
    expect(tally.own).toBeLessThan(n * 0.25);
    expect(tally.elsewhere).toBeGreaterThan(tally.own);
  });
});
