import type { HotpotExample } from '../data/datasets';
import { near, type Skill } from '../skills';
import { isYesNo } from './hotpot-context';

/** "Answer in full sentences" asks for the opposite of a short span and of a bare yes or no. */
const FULL_SENTENCE = [
  /\b(full|complete|whole) sentences?\b/i,
  /\b(explain|elaborate|justify)\w*\b[^.\n]*\b(in the|your) (final )?answer\b/i,
];

const SHORT_CUE = [
  near(
    String.raw`\b(short|shortest|concise(ly)?|brief(ly)?|few words|exact (span|phrase|words?)|no (extra|other|additional) (words|text|explanation))\b`,
    String.raw`\b(answers?|reply|respond|finish\w*|copy|output)\b`,
  ),
  /only the answer|as written in the (context|passage)/i,
];

export const HP_YES_NO: Skill<HotpotExample> = {
  id: 'hp.yes_no',
  kind: 'answer',
  concept: 'answer yes/no questions with just yes or no',
  cue: [/\byes\W{0,2}\s*(\/|or|-)\s*\W{0,2}no\b/i],
  contrary: FULL_SENTENCE,
  failureRate: 0.4,
  applies: (e) => isYesNo(e),
  feedback: [
    'The question is a yes/no comparison, but the answer is a full sentence instead of "yes" or "no". The instruction should say to answer yes/no questions with just yes or no.',
    'For a yes-or-no question the expected answer is a single word; tell the model to reply with only yes or no.',
  ],
  sentences: [
    'If the question can be answered with yes or no, answer with just "yes" or "no".',
    'For yes/no questions, the answer is only the word yes or no.',
  ],
};

export const HP_COMPARE: Skill<HotpotExample> = {
  id: 'hp.compare',
  kind: 'answer',
  concept: 'compare both entities before choosing',
  cue: [
    near(
      String.raw`\b(compar\w+|contrast\w*|weigh)\b`,
      String.raw`\b(both|two|each|entit(y|ies)|candidates?|people|things)\b`,
    ),
    /\b(check|look up|find)\w*\b[^.\n]*\b(both|each) (entit(y|ies)|candidates?|of them|person|people)/i,
  ],
  contrary: [/\b(pick|choose|take|answer with)\w* the first (entity|one|candidate|name)\b/i],
  failureRate: 0.35,
  applies: (e) => e.type === 'comparison' && !isYesNo(e),
  feedback: [
    'The question compares two entities and the answer picked the wrong one. The instruction should ask to find the fact for each entity and compare both before choosing.',
    'The model answered without checking both entities; tell it to compare the two using the facts about both.',
  ],
  sentences: [
    'For comparison questions, find the relevant fact for each entity and compare both before choosing.',
    'When two entities are compared, check both entities in the context before answering.',
  ],
};

export const HP_BRIDGE: Skill<HotpotExample> = {
  id: 'hp.bridge',
  kind: 'answer',
  concept: 'follow the bridge entity to the final answer',
  cue: [
    near(
      String.raw`\b(bridge|intermediate|linking) (\(bridge\) )?(entity|answer|hop)`,
      String.raw`\b(answer|then|final)\b`,
    ),
    /multi-?hop|\btwo[- ]hops?\b/i,
    /\b(connect|chain|link)\w* (the )?(facts|passages|information)/i,
    /\bdo not stop at the (intermediate|linking|first) (entity|hop)/i,
  ],
  contrary: [/\b(answer|reply|respond)\w* with the (intermediate|first|linking|bridge) (entity|name|hop)\b/i],
  failureRate: 0.25,
  applies: (e) => e.type === 'bridge',
  feedback: [
    'The answer names the intermediate entity that links the two passages, not what the question asks about it. The instruction should say to follow the bridge entity to the final answer.',
    'The model stopped after the first hop. Tell it to connect the facts of both passages: find the intermediate entity, then answer the question about it.',
  ],
  sentences: [
    'Some questions need two hops: find the intermediate (bridge) entity first, then answer the question about it, not the intermediate entity itself.',
    'Connect the facts from both passages and answer the final question, not the linking entity.',
  ],
};

export const HP_SHORT: Skill<HotpotExample> = {
  id: 'hp.short',
  kind: 'answer',
  concept: 'answer with the short exact span',
  cue: SHORT_CUE,
  contrary: FULL_SENTENCE,
  failureRate: 0.1,
  applies: (e) => !isYesNo(e),
  feedback: [
    'The answer contains the right fact but adds extra words, so it does not match exactly. The instruction should ask for a short answer: the exact span from the context.',
    'The answer is a whole phrase around the answer; tell the model to give only the answer, in as few words as possible.',
  ],
  sentences: [
    'Give a short answer: copy the exact span from the context, with no extra words.',
    'The answer must be only the answer itself, in a few words, as written in the context.',
  ],
};

export const HP_QUERY_BRIDGE: Skill<HotpotExample> = {
  id: 'hp.query_bridge',
  kind: 'query',
  concept: 'name the bridge entity found in the retrieved passages',
  cue: [
    near(
      String.raw`\b(bridge entity|(missing|next|new|second[- ]hop|next[- ]hop) (entity|person|thing|title|name)|entit(y|ies) (they|the passages|the context) (mention|point)|entit(y|ies) (found|mentioned|named) in the (retrieved )?(passages|context))`,
      String.raw`\b(query|queries|search\w*|name|naming)\b`,
    ),
  ],
  contrary: [
    /\b(repeat|copy|reuse|use)\w* the (whole |original |full )?question (itself )?as the (search )?query\b/i,
    /\b(repeat|copy)\w* the (whole |original )?question\b[^.\n]*\b(query|search)/i,
  ],
  failureRate: 0.85,
  applies: () => true,
  feedback: [
    'The passages needed for the answer were not retrieved: the next query repeated the question instead of naming the entity found in the retrieved passages. The instruction should ask to name the bridge entity found in the retrieved passages.',
    'The second query should search for the new entity mentioned in the retrieved context (the bridge entity), not rephrase the question.',
  ],
  sentences: [
    'Read the retrieved passages, find the bridge entity they mention that the question needs next, and name that entity in the query.',
    'Use the retrieved context to identify the missing entity and name the bridge entity found in the retrieved passages in your query.',
  ],
};

export const HP_REACT_SEPARATE: Skill<HotpotExample> = {
  id: 'hp.react_separate',
  kind: 'react',
  concept: 'search each entity separately',
  cue: [
    near(
      String.raw`\b(separate(ly)?|one (entity|person|thing) (per|at a) (search|time)|one search per|on its own|individually|split)\b`,
      String.raw`\b(search\w*|look(ing)? up|quer(y|ies))\b`,
    ),
    /\bsearch (for )?each (entity|one|person)/i,
  ],
  contrary: [/\bsearch (for |with )?the (whole|entire|full) question\b/i],
  failureRate: 0.85,
  applies: () => true,
  feedback: [
    'The agent searched with the whole question and finished without the passages it needed. The instruction should ask to search each entity separately, one entity per search, using what earlier searches found.',
    'One broad search missed a needed passage; tell the planner to search for each entity separately, including the entity found in the first results.',
  ],
  sentences: [
    'Search each entity separately, one entity per search, and use the entity found in earlier results for the next search.',
    'Do a separate search for each entity the question needs before you finish.',
  ],
};

export const HP_REACT_SHORT: Skill<HotpotExample> = {
  ...HP_SHORT,
  id: 'hp.react_short',
  kind: 'react',
  // Lower than it once was (0.66): with the agent's drift (react.ts) it kept the start at 0.15–0.2 but
  // made one finish-description edit worth +25 points.
  failureRate: 0.3,
  feedback: [
    'The final answer adds extra words around the answer, so it does not match exactly. The finish step should give a short answer: only the exact span.',
    'The agent finished with a sentence; tell it to finish with only the answer, in a few words.',
  ],
  sentences: [
    'Finish with a short answer: only the exact span, no extra words.',
    'The final answer must be only the answer itself, in a few words.',
  ],
};

export const HP_ANSWER_SKILLS = [HP_YES_NO, HP_COMPARE, HP_BRIDGE, HP_SHORT];
export const HP_QUERY_SKILLS = [HP_QUERY_BRIDGE];
export const HP_REACT_SKILLS = [HP_REACT_SEPARATE, HP_REACT_SHORT, HP_YES_NO, HP_COMPARE];
