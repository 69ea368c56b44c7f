/**
 * The task model reads an instruction's meaning (reading.ts): for every task, at least 40 instruction
 * variants — paraphrases, negations, contradictions, keyword lists, a concept buried in noise, a concept
 * stated twice, a concept of another task — with the verdict expected for every concept of the task
 * (concepts a row does not name must read as absent).
 */
import { describe, expect, it } from 'vitest';
import type { TaskName } from './data/datasets';
import { skillsOf } from './diagnose';
import { type ConceptState, readConcept } from './reading';

type Row = [text: string, expected: Record<string, ConceptState>];

const NOISE =
  'You are a careful assistant. Read the question carefully. Think before you answer. Be precise and avoid unnecessary commentary. Use only the information given.';

const OC: Row[] = [
  // paraphrases that state a concept
  ['Multiply each item by its quantity.', { 'oc.quantity': 'stated' }],
  ["If a phrase says 'three apples', that is three items, not one.", { 'oc.quantity': 'stated' }],
  ['When an item comes with a number word, add that quantity, not 1.', { 'oc.quantity': 'stated' }],
  ['Take the quantity of each listed thing into account.', { 'oc.quantity': 'stated' }],
  ['Only count the items that belong to the asked category.', { 'oc.category': 'stated' }],
  ['Ignore objects that are not of the kind the question asks about.', { 'oc.category': 'stated' }],
  ['Check the category of every item and skip the ones that do not match.', { 'oc.category': 'stated' }],
  ['Leave out things from other categories.', { 'oc.category': 'stated' }],
  ['List the items one by one and keep a running total.', { 'oc.enumerate': 'stated' }],
  ['Keep a tally while reading the list.', { 'oc.enumerate': 'stated' }],
  ['Enumerate every object before giving the total.', { 'oc.enumerate': 'stated' }],
  ['Go through the objects one at a time, adding each to the count as you go.', { 'oc.enumerate': 'stated' }],
  [
    'List the items one by one and keep a running total. Only count the items of the asked category and ignore the others. Multiply each item by its quantity.',
    { 'oc.quantity': 'stated', 'oc.category': 'stated', 'oc.enumerate': 'stated' },
  ],
  // negations: the concept is forbidden
  ['Never keep a running total.', { 'oc.enumerate': 'misled' }],
  ['Do not multiply each item by its quantity.', { 'oc.quantity': 'misled' }],
  ["Don't list the items one by one.", { 'oc.enumerate': 'misled' }],
  ['Avoid taking the quantity of each item into account.', { 'oc.quantity': 'misled' }],
  ['There is no need to check the category of each item.', { 'oc.category': 'misled' }],
  ['Answer quickly, without listing each item one by one.', { 'oc.enumerate': 'misled' }],
  // contradictions without a negation word
  ['Count each listed phrase once, whatever number word it has.', { 'oc.quantity': 'misled' }],
  ['Count every item in the list regardless of its category.', { 'oc.category': 'misled' }],
  ['All items in the list count.', { 'oc.category': 'misled' }],
  ['Give the total at once, at a glance.', { 'oc.enumerate': 'misled' }],
  ['Number words are irrelevant.', { 'oc.quantity': 'misled' }],
  // stated and contradicted: confusing
  ['Multiply each item by its quantity. Count each listed phrase once.', { 'oc.quantity': 'conflicting' }],
  ['Keep a running total. Never keep a running total.', { 'oc.enumerate': 'conflicting' }],
  // bare keyword lists
  [
    'Keywords: running total, quantity of each item, asked category.',
    { 'oc.enumerate': 'keywords', 'oc.quantity': 'keywords' },
  ],
  ['running total', { 'oc.enumerate': 'keywords' }],
  [
    'Hints: multiply by quantity; running total; one by one.',
    { 'oc.quantity': 'keywords', 'oc.enumerate': 'keywords' },
  ],
  [
    'quantities of items, running tally, categories',
    { 'oc.enumerate': 'keywords', 'oc.quantity': 'keywords' },
  ],
  // stated twice counts once
  ['Keep a running total. Keep a running total.', { 'oc.enumerate': 'stated' }],
  [
    'Multiply each item by its quantity. Take the quantity of every listed item into account.',
    { 'oc.quantity': 'stated' },
  ],
  // buried in noise
  [`${NOISE} Multiply each item by its quantity. ${NOISE}`, { 'oc.quantity': 'stated' }],
  [`${NOISE}\nList the items one by one and keep a running total.\n${NOISE}`, { 'oc.enumerate': 'stated' }],
  // nothing of the concepts: generic text, false friends, other tasks
  [NOISE, {}],
  ['Think step by step.', {}],
  ['Keep the quantity of text in your answer small.', {}],
  ['Answer the questions one by one.', {}],
  ['Dates, years and durations are NUM.', {}],
  ['Give a short answer: copy the exact span from the context.', {}],
  ['Search each entity separately, one entity per search.', {}],
  ["The last line of your response should be of the following format: 'Answer: $VALUE'.", {}],
  // a double negation is a statement
  ['Do not skip any item: list the items one by one.', { 'oc.enumerate': 'stated' }],
];

const TREC: Row[] = [
  ['Questions that ask for a definition are DESC.', { 'trec.desc_def': 'stated' }],
  ['If the question asks what a word means, choose DESC.', { 'trec.desc_def': 'stated' }],
  ['Asking to define a term is DESC.', { 'trec.desc_def': 'stated' }],
  ['Questions asking for the name of a thing, substance or term are ENTY.', { 'trec.enty_term': 'stated' }],
  ['Dates, years and durations are NUM.', { 'trec.num_date': 'stated' }],
  ['A question asking for a date, a year or a time period is NUM.', { 'trec.num_date': 'stated' }],
  ['When-questions ask for a point in time, which is NUM.', { 'trec.num_date': 'stated' }],
  ['Questions whose answer is a place (a country, city or river) are LOC.', { 'trec.loc': 'stated' }],
  ['If the answer is a geographic place, choose LOC.', { 'trec.loc': 'stated' }],
  ['Groups and organizations of people (teams, companies) are HUM.', { 'trec.hum_group': 'stated' }],
  ['Teams and companies count as HUM.', { 'trec.hum_group': 'stated' }],
  ['Questions asking what an abbreviation stands for are ABBR.', { 'trec.abbr': 'stated' }],
  ['If the question asks for the full form of an acronym, choose ABBR.', { 'trec.abbr': 'stated' }],
  ['A definition question is DESC, not ENTY.', { 'trec.desc_def': 'stated' }],
  // negated
  ['Dates are not NUM.', { 'trec.num_date': 'misled' }],
  ['Definitions are never DESC.', { 'trec.desc_def': 'misled' }],
  ['Teams and companies are not HUM.', { 'trec.hum_group': 'misled' }],
  ['Do not label countries and cities as LOC.', { 'trec.loc': 'misled' }],
  ["Questions about what an acronym stands for aren't ABBR.", { 'trec.abbr': 'misled' }],
  ['Never put dates or years in NUM.', { 'trec.num_date': 'misled' }],
  // contradicted by another label
  ['Dates and years are ENTY.', { 'trec.num_date': 'misled' }],
  ['Definitions belong to ENTY.', { 'trec.desc_def': 'misled' }],
  ['Countries and cities are ENTY.', { 'trec.loc': 'misled' }],
  ['Companies and teams are labelled ENTY.', { 'trec.hum_group': 'misled' }],
  ['Abbreviations are DESC.', { 'trec.abbr': 'misled' }],
  // conflicting
  ['Dates are NUM. Dates are not NUM.', { 'trec.num_date': 'conflicting' }],
  ['Dates and years are NUM.\nDates and years are ENTY.', { 'trec.num_date': 'conflicting' }],
  // keyword lists
  [
    'Keywords: dates NUM, places LOC, teams HUM.',
    { 'trec.num_date': 'keywords', 'trec.loc': 'keywords', 'trec.hum_group': 'keywords' },
  ],
  ['date NUM', { 'trec.num_date': 'keywords' }],
  [
    'teams HUM; cities LOC; acronym expansion ABBR',
    { 'trec.hum_group': 'keywords', 'trec.loc': 'keywords', 'trec.abbr': 'keywords' },
  ],
  // twice
  ['Dates are NUM. A question asking for a year is NUM.', { 'trec.num_date': 'stated' }],
  ['Dates, years and durations are NUM.\nDates, years and durations are NUM.', { 'trec.num_date': 'stated' }],
  // noise
  [`${NOISE}\nDates, years and durations are NUM.\n${NOISE}`, { 'trec.num_date': 'stated' }],
  [`${NOISE} Questions whose answer is a place are LOC. ${NOISE}`, { 'trec.loc': 'stated' }],
  // nothing: generic, false friends, other tasks, the class list
  [NOISE, {}],
  ['Use the definition of the classes given above.', {}],
  ['Classify the question into one of ABBR, ENTY, DESC, HUM, LOC, NUM.', {}],
  ['0. ABBR, Abbreviation\n1. ENTY, Entity\n5. NUM, Numeric value', {}],
  ['Multiply each item by its quantity.', {}],
  ['Give a short answer: copy the exact span from the context.', {}],
  ['Do not try to answer the question.', {}],
];

const HOTPOT: Row[] = [
  [
    'Give a short answer: copy the exact span from the context, with no extra words.',
    { 'hp.short': 'stated', 'hp.react_short': 'stated' },
  ],
  [
    'The answer must be only the answer itself, in a few words.',
    { 'hp.short': 'stated', 'hp.react_short': 'stated' },
  ],
  [
    'If the question can be answered with yes or no, answer with just "yes" or "no".',
    { 'hp.yes_no': 'stated' },
  ],
  ['For yes/no questions, the answer is only the word yes or no.', { 'hp.yes_no': 'stated' }],
  [
    'For comparison questions, find the fact for each entity and compare both before choosing.',
    { 'hp.compare': 'stated' },
  ],
  [
    'When two entities are compared, check both entities in the context before answering.',
    { 'hp.compare': 'stated' },
  ],
  [
    'Some questions need two hops: find the intermediate entity, then answer the question about it.',
    { 'hp.bridge': 'stated' },
  ],
  ['Connect the facts from both passages and answer the final question.', { 'hp.bridge': 'stated' }],
  ['Do not stop at the intermediate entity; answer the final question.', { 'hp.bridge': 'stated' }],
  ['Name the bridge entity found in the retrieved passages in your query.', { 'hp.query_bridge': 'stated' }],
  [
    'Read the retrieved passages, find the missing entity they mention and name it in the query.',
    { 'hp.query_bridge': 'stated' },
  ],
  ['Search each entity separately, one entity per search.', { 'hp.react_separate': 'stated' }],
  ['Do a separate search for each entity the question needs.', { 'hp.react_separate': 'stated' }],
  // negated
  ['Never answer with just yes or no.', { 'hp.yes_no': 'misled' }],
  ['Do not compare both entities.', { 'hp.compare': 'misled' }],
  ['Do not search each entity separately.', { 'hp.react_separate': 'misled' }],
  ['Avoid naming the bridge entity found in the passages in the query.', { 'hp.query_bridge': 'misled' }],
  ["Don't give a short answer.", { 'hp.short': 'misled', 'hp.react_short': 'misled' }],
  ['There is no need to compare both entities.', { 'hp.compare': 'misled' }],
  // contradicted
  [
    'Always answer in full sentences.',
    { 'hp.short': 'misled', 'hp.react_short': 'misled', 'hp.yes_no': 'misled' },
  ],
  ['Pick the first entity mentioned in the question.', { 'hp.compare': 'misled' }],
  ['Answer with the intermediate entity.', { 'hp.bridge': 'misled' }],
  ['Repeat the whole question as the search query.', { 'hp.query_bridge': 'misled' }],
  ['Search for the whole question at once.', { 'hp.react_separate': 'misled' }],
  // conflicting
  [
    'Give a short answer. Always answer in full sentences.',
    { 'hp.short': 'conflicting', 'hp.react_short': 'conflicting', 'hp.yes_no': 'misled' },
  ],
  [
    'Search each entity separately. Do not search each entity separately.',
    { 'hp.react_separate': 'conflicting' },
  ],
  // keyword lists
  [
    'Keywords: yes/no, bridge entity, short answer.',
    {
      'hp.yes_no': 'keywords',
      'hp.short': 'keywords',
      'hp.react_short': 'keywords',
      'hp.bridge': 'keywords',
    },
  ],
  ['multi-hop', { 'hp.bridge': 'keywords' }],
  [
    'yes or no; compare both entities; two hops',
    { 'hp.yes_no': 'keywords', 'hp.compare': 'keywords', 'hp.bridge': 'keywords' },
  ],
  // twice
  [
    'Compare both entities before choosing. Compare both entities before choosing.',
    { 'hp.compare': 'stated' },
  ],
  [
    'Give a short answer. The answer must be only the answer itself, in a few words.',
    { 'hp.short': 'stated', 'hp.react_short': 'stated' },
  ],
  // noise
  [
    `${NOISE} Search each entity separately, one entity per search. ${NOISE}`,
    { 'hp.react_separate': 'stated' },
  ],
  [
    `${NOISE}\nIf the question can be answered with yes or no, answer with just "yes" or "no".`,
    { 'hp.yes_no': 'stated' },
  ],
  // nothing
  [NOISE, {}],
  ['Think step by step.', {}],
  ['You will receive context made of retrieved passages that contain relevant facts.', {}],
  ['Bridge the gap between the question and the passages.', {}],
  ['Multiply each item by its quantity.', {}],
  ['Dates, years and durations are NUM.', {}],
  ['Write the next search query to retrieve the facts still needed to answer the question.', {}],
  ['Respond with a JSON object with exactly these keys: {"reasoning": "...", "answer": "..."}.', {}],
];

const TABLES: Record<TaskName, Row[]> = { object_count: OC, trec: TREC, hotpot: HOTPOT };

describe('the task model reads polarity and form, not keywords', () => {
  it.each(Object.keys(TABLES) as TaskName[])('%s: at least 40 variants, each with its verdict', (task) => {
    const rows = TABLES[task];
    expect(rows.length).toBeGreaterThanOrEqual(40);
    const wrong: string[] = [];
    for (const [text, expected] of rows) {
      for (const skill of skillsOf(task)) {
        const want = expected[skill.id] ?? 'absent';
        const got = readConcept(skill, text).state;
        if (got !== want) wrong.push(`${skill.id}: want ${want}, got ${got} — ${text.slice(0, 90)}`);
      }
      for (const id of Object.keys(expected))
        if (!skillsOf(task).some((s) => s.id === id)) wrong.push(`unknown concept ${id}`);
    }
    expect(wrong).toEqual([]);
  });

  it('a concept stated twice counts once (two distinct statements), a verbatim repeat once', () => {
    const [quantity] = skillsOf('object_count');
    if (!quantity) throw new Error('no skill');
    expect(readConcept(quantity, 'Multiply each item by its quantity.').statements).toBe(1);
    expect(
      readConcept(quantity, 'Multiply each item by its quantity. Multiply each item by its quantity.')
        .statements,
    ).toBe(1);
    expect(
      readConcept(
        quantity,
        'Multiply each item by its quantity. Take the quantity of each listed thing into account.',
      ).statements,
    ).toBe(2);
  });
});
