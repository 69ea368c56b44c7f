/**
 * Concepts are recognized by meaning, not by one keyword: for every skill, paraphrases that express the
 * concept count, and its cue words used in an unrelated sense ("false friends") do not. Canned sentences
 * of one skill (backward feedback, optimizer sentences) do not trigger another skill.
 */
import { describe, expect, it } from 'vitest';
import { skillsOf } from './diagnose';
import { expresses, type Skill } from './skills';

interface CueTable {
  paraphrases: string[];
  falseFriends: string[];
}

const TABLES: Record<string, CueTable> = {
  'oc.quantity': {
    paraphrases: [
      'Multiply each item by its quantity.',
      "If a phrase says 'three apples', that is three items, not one.",
      'Pay attention to number words like two or four in front of an object; they tell how many there are.',
      'Count every object as many times as its amount says, for each item.',
      'Numbers before nouns indicate multiples of that item.',
      'Take the quantity of each listed thing into account.',
    ],
    falseFriends: [
      'Keep the quantity of text in your answer small.',
      'There may be multiple ways to phrase the answer.',
      'Quality over quantity: be brief.',
      'The last line must contain the number only.',
      'Answer with a number.',
    ],
  },
  'oc.category': {
    paraphrases: [
      'Only count the items that belong to the asked category.',
      'Ignore objects that are not of the kind the question asks about.',
      'Exclude anything outside the requested type: if the question asks about fruits, vegetables do not count.',
      'Check the category of every item and skip the ones that do not match.',
      'Leave out things from other categories.',
      'Count just the things of the type named in the question.',
    ],
    falseFriends: [
      'Only add a short explanation if needed.',
      'Ignore any formatting instructions in the question.',
      'Check your answer; the category of the question does not matter.',
      'Include all reasoning steps.',
      'Match the output format exactly.',
    ],
  },
  'oc.enumerate': {
    paraphrases: [
      'List the items one by one and keep a running total.',
      'Go through the objects one at a time, adding each to the count as you go.',
      'Write each entry on its own line with the cumulative sum so far.',
      'Enumerate every object before giving the total.',
      'Keep a tally while reading the list.',
    ],
    falseFriends: [
      'List all the reasons briefly.',
      'Answer the questions one by one.',
      'The running time of the program is irrelevant.',
      'The final tally must be a single number.',
      'Write down all your assumptions.',
    ],
  },
  'trec.desc_def': {
    paraphrases: [
      'Questions that ask for a definition are DESC.',
      'If the question asks what a word means, choose DESC.',
      'Asking to define a term is DESC.',
      'A question about the meaning of something belongs to DESC.',
      '"What is X?" questions asking what something means are DESC.',
      'Requests to explain what a term signifies are DESC.',
    ],
    falseFriends: [
      'Use the definition of the classes given above.',
      'Define your reasoning clearly before answering.',
      'The meaning of the question matters more than its first word.',
      'Answer with a well-defined class name.',
      'This is by definition a classification task.',
    ],
  },
  'trec.enty_term': {
    paraphrases: [
      'Questions asking for the name of a thing are ENTY.',
      'If the answer is what something is called, choose ENTY.',
      'Asking for a term, a substance or a product name is ENTY.',
      'When the expected answer names an object rather than explaining it, pick ENTY.',
      'Questions about what an item is called belong to ENTY.',
    ],
    falseFriends: [
      'The class names are ABBR, ENTY, DESC, HUM, LOC, NUM.',
      'Name the class in the class_name field.',
      'What the classifier is called does not matter.',
      'Use the equivalent term from the list when unsure.',
      'Do not answer with the name of a person.',
    ],
  },
  'trec.num_date': {
    paraphrases: [
      'Dates, years and durations are NUM.',
      'When-questions asking for a point in time belong to NUM.',
      'If the answer is a year, choose NUM.',
      'Questions about how long something lasts are NUM.',
      'A time period or a date is a numeric answer (NUM).',
    ],
    falseFriends: [
      'Use up-to-date knowledge.',
      'Over the years, classifiers have improved.',
      'The duration of your reasoning does not matter.',
      'How long you think is not important.',
      'NUM is for numeric values.',
    ],
  },
  'trec.loc': {
    paraphrases: [
      'Questions whose answer is a place are LOC.',
      'Countries, cities and states are LOC.',
      'If the question asks where something is, or names a river or mountain, choose LOC.',
      'A geographic answer (a continent, a region) is a location: LOC.',
      'Which-questions answered by a town or country are LOC.',
    ],
    falseFriends: [
      'The city newspaper asked this question; classify it anyway.',
      'Place the class name in the JSON.',
      'In first place, read the question.',
      'Questions from any country are welcome.',
      'LOC is one of six classes.',
    ],
  },
  'trec.hum_group': {
    paraphrases: [
      'Groups and organizations are HUM.',
      'If the answer is a team, a company or a band, choose HUM.',
      'Organisations of people count as human (HUM).',
      'A question whose answer is a club or a political party belongs to HUM.',
      'People, whether single persons or groups of people, are HUM.',
    ],
    falseFriends: [
      'Group the classes in your mind before choosing.',
      'The company that built this classifier does not matter.',
      'Work as a team with the user.',
      'HUM is for human beings.',
      'Organize your rationale in steps.',
    ],
  },
  'trec.abbr': {
    paraphrases: [
      'Questions asking what an abbreviation stands for are ABBR.',
      'If the question asks for the full form of an acronym, choose ABBR.',
      'Expanding a short form like NASA is ABBR.',
      'What does an initialism stand for? That is ABBR.',
      'Asking for the expansion of an acronym is ABBR.',
    ],
    falseFriends: [
      'Expand your reasoning if needed.',
      'ABBR: abbreviation.',
      'Stand for accuracy in every answer.',
      'Use the full form of the class name, not an abbreviation.',
      'Do not use acronyms in the rationale.',
    ],
  },
  'hp.yes_no': {
    paraphrases: [
      'Answer yes/no questions with just yes or no.',
      'If the question can be answered with yes or no, reply with only that word.',
      'For questions starting with Is, Are or Did, the answer is a single yes or no.',
      "Reply 'yes' or 'no' when the question is a yes-or-no question.",
      'A yes-no question takes a one-word answer.',
    ],
    falseFriends: [
      'Say no to extra words.',
      'Yes, you may think step by step.',
      'Do not say yes to every request.',
      'If there is no answer, say so.',
      'Give no more than five words.',
    ],
  },
  'hp.compare': {
    paraphrases: [
      'For comparison questions, compare both entities before choosing.',
      'When the question contrasts two people, look up the fact for each of them and then decide.',
      'Check both candidates in the context before picking one.',
      'Weigh the two entities against each other using their facts.',
      'If two things are compared, find the relevant fact about each entity.',
    ],
    falseFriends: [
      'Compare your answer with the question before responding.',
      'Check both spelling and grammar.',
      'Each entity in the JSON must be quoted.',
      'Information about both formats is given below.',
      'Compare the answer format with the example.',
    ],
  },
  'hp.bridge': {
    paraphrases: [
      'Find the intermediate (bridge) entity first, then answer the question about it.',
      'Some questions need two hops: connect the facts from both passages.',
      'Do not stop at the linking entity; answer what the question asks about it.',
      'This is multi-hop reasoning: chain the facts of the passages.',
      'Follow the bridge entity to the final answer.',
    ],
    falseFriends: [
      'Bridge the gap between the question and the answer.',
      'The Golden Gate Bridge may appear in the context.',
      'Take two steps back and breathe.',
      'Do not connect the answer to your own opinion.',
      'Use the retrieved passages, not the first idea you have.',
    ],
  },
  'hp.short': {
    paraphrases: [
      'Give a short answer.',
      'Answer concisely, with the exact span from the context.',
      'Reply with only the answer, no extra words.',
      'Copy the answer as written in the passage.',
      'Use as few words as possible in the answer.',
    ],
    falseFriends: [
      'Keep the reasoning short and simple, but explain every step.',
      'A short context is given below.',
      'The passages are concise summaries.',
      'Read the exact words of the question carefully.',
      'In short, think step by step.',
    ],
  },
  'hp.query_bridge': {
    paraphrases: [
      'Name the bridge entity found in the retrieved passages in your query.',
      'Read the passages, find the entity they mention that the question needs next, and search for it.',
      'Use the retrieved context to identify the missing entity and query it by name.',
      'The next query should name the new person or thing the passages point to, not repeat the question.',
      'Search for the second-hop entity mentioned in the context.',
    ],
    falseFriends: [
      'Use the passages to find the answer.',
      'Name the query field "query" in the JSON.',
      'Do not repeat the question in the answer.',
      'Entities mentioned in the context may be misspelled.',
      'Write the next query in lowercase.',
    ],
  },
  'hp.react_separate': {
    paraphrases: [
      'Search each entity separately, one entity per search.',
      'Do a separate search for every person the question mentions.',
      'Look up one entity at a time instead of searching the whole question.',
      'Search for each of the two entities on its own.',
      'Split the question into its entities and run one search per entity.',
    ],
    falseFriends: [
      'Write each thought separately.',
      'One search is often enough.',
      'Search the web for each answer.',
      'Keep a separate line for the final answer.',
      'Each entity name must be spelled correctly in the answer.',
    ],
  },
};

const ALL: readonly Skill[] = [
  ...new Set([...skillsOf('object_count'), ...skillsOf('trec'), ...skillsOf('hotpot')]),
];

describe('concepts recognized by meaning', () => {
  it('every skill has a table (skills sharing one cue share it)', () => {
    for (const s of ALL) {
      const owner = ALL.find((o) => o.cue === s.cue && TABLES[o.id]);
      expect(owner, `${s.id} has no paraphrase table`).toBeDefined();
    }
  });

  it.each(Object.entries(TABLES))('%s: paraphrases count, false friends do not', (id, table) => {
    const skill = ALL.find((s) => s.id === id);
    if (!skill) throw new Error(`unknown skill ${id}`);
    expect(table.paraphrases.length).toBeGreaterThanOrEqual(5);
    expect(table.falseFriends.length).toBeGreaterThanOrEqual(5);
    for (const p of table.paraphrases) expect(expresses(skill, p), `paraphrase: ${p}`).toBe(true);
    for (const f of table.falseFriends) expect(expresses(skill, f), `false friend: ${f}`).toBe(false);
  });

  it("canned sentences of one skill do not trigger another skill's cue", () => {
    const crossings: string[] = [];
    for (const s of ALL)
      for (const text of [...s.feedback, ...s.sentences])
        for (const other of ALL)
          if (other.cue !== s.cue && expresses(other, text)) crossings.push(`${s.id} → ${other.id}: ${text}`);
    expect(crossings).toEqual([]);
  });
});
