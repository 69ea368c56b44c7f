import { type ChatMessage, TAGS, tag } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import { parseRequest } from './contract';
import { KIND_OBSERVATIONS, NOTHING_NEW } from './describe';
import { createSimModel } from './sim-model';

const large = createSimModel('large');
const system = tag(TAGS.describe.marker, 'You describe data sets and programs from what you are shown.');
const ask = async (user: string) =>
  (
    await large.complete({
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: user },
      ],
    })
  ).text;
const examples = (items: string[]) =>
  tag(TAGS.task.examples, items.map((x) => tag(TAGS.task.example, x)).join('\n'));
const item = (q: string, a: string) => `Input:\n${tag(TAGS.task.question, q)}\nExpected answer:\n${a}`;

const COUNTING = [
  item('I have a flute, two pianos, and a violin. How many musical instruments do I have?', '4'),
  item('I have a cow, a goat, and three pigs. How many animals do I have?', '5'),
];
const TREC = [item('When was the telephone invented ?', 'NUM'), item('Who wrote Hamlet ?', 'HUM')];
const FACTOID = [
  item('Were Scott Derrickson and Ed Wood of the same nationality?', 'yes'),
  item('Which city is the capital of the country where the Danube ends?', 'Bucharest'),
];

describe('describing requests (DESCRIPTION_TASK)', () => {
  it('are their own role, not a task with a question', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: system },
      { role: 'user', content: `Observe:\n${examples(COUNTING)}` },
    ];
    const parsed = parseRequest(messages);
    expect(parsed.role).toBe('describe');
    if (parsed.role === 'describe') expect(parsed.fields.examples).toHaveLength(2);
  });

  it('observe the kind of examples shown, and say COMPLETE when the prior observations hold it', async () => {
    const count = await ask(`What do you observe?\n${examples(COUNTING)}`);
    expect(count).toContain(KIND_OBSERVATIONS.count);
    expect(await ask(`What do you observe?\n${examples(TREC)}`)).toContain(KIND_OBSERVATIONS.classify);
    const factoid = await ask(`What do you observe?\n${examples(FACTOID)}`);
    expect(factoid).toContain(KIND_OBSERVATIONS.factoid);
    expect(factoid).toContain('1 of the 2 shown answers are yes or no');
    expect(await ask(`Prior observations: ${count}\nWhat is new?\n${examples(COUNTING)}`)).toBe(NOTHING_NEW);
    expect(await ask(`Prior observations: ${count}\nWhat is new?\n${examples(TREC)}`)).not.toBe(NOTHING_NEW);
  });

  it('summarize the observations shown and describe the prompts shown', async () => {
    const summary = await ask(`Summarize:\n${KIND_OBSERVATIONS.classify}`);
    expect(summary).toContain(KIND_OBSERVATIONS.classify);
    expect(summary).not.toContain(KIND_OBSERVATIONS.count);
    const entry = (name: string, value: string) =>
      tag(TAGS.item.entry, `<NAME>${name}</NAME>\n<ROLE>instruction</ROLE>\n${tag(TAGS.item.value, value)}`);
    const program = await ask(
      `Describe the program.\n${entry('query', 'Write a search query for the question. Be brief.')}\n${entry('answer', 'Answer from the passages.')}`,
    );
    expect(program).toContain('2 steps');
    expect(program).toContain('Write a search query for the question.');
    expect(program).not.toContain('Be brief');
    expect(program).not.toMatch(/not sure/i);
  });
});
