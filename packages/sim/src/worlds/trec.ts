import { TREC_LABELS, type TrecExample, type TrecLabel } from '../data/datasets';
import { renderFormatted } from '../format';
import { hashInt, hashPick } from '../hash';
import { near, type Skill } from '../skills';
import { fallsInto, slips, type TaskCall, taughtSkills, type WorldContext } from './common';

interface TrecSkill extends Skill<TrecExample> {
  /** The characteristic wrong class when the trap is fallen into. */
  wrong: TrecLabel;
  /** The class the concept leads to: what a judge sees as the expected answer. */
  right: TrecLabel;
  /** What a judge can see in the question's wording that points to this concept. */
  hint: RegExp;
}

const LABEL_PATTERNS = TREC_LABELS.map((label) => ({ label, re: new RegExp(`\\b${label}\\b`) }));

/** The TREC class names written in `text` as tokens, in `TREC_LABELS` order. */
export function labelsIn(text: string): TrecLabel[] {
  return LABEL_PATTERNS.filter((p) => p.re.test(text)).map((p) => p.label);
}

/** Is `text` exactly one TREC class name (e.g. an expected answer `NUM`)? */
export function isTrecLabel(text: string): text is TrecLabel {
  return (TREC_LABELS as readonly string[]).includes(text);
}

const startsWhat = (e: TrecExample) => /^(what|which|name)\b/i.test(e.question);

export const TREC_SKILLS: TrecSkill[] = [
  {
    id: 'trec.desc_def',
    kind: 'classify',
    right: 'DESC',
    hint: /^(what|who) (is|are|was|were) (a |an |the )?\S+( \S+)?\s*\?$|\bmean(ing|s)?\b|\bdefin/i,
    concept: 'definition questions are DESC',
    wrong: 'ENTY',
    cue: [
      near(String.raw`\b(definitions?|define|defining|meaning|means|signif(y|ies))\b`, String.raw`\bDESC\b`),
      /\b(asks?|asking|requests?) (for )?(a |the )?(definition|meaning)\b|\basks? (to define|what (a|the|some) (word|term|thing) means)/i,
    ],
    contrary: [
      /\b(definitions?|meanings?)\b[^.\n]{0,40}\b(are|is|count as|belongs? to|go(es)? (in|to)|labell?ed|choose)\s+(always\s+)?\b(ABBR|ENTY|HUM|LOC|NUM)\b/i,
    ],
    failureRate: 0.27,
    applies: (e) => e.fine === 'DESC:def',
    feedback: [
      'A "What is X?" question that asks for a definition was labelled ENTY. The instruction should say that questions asking for a definition or the meaning of something are DESC.',
      'The classifier confused a definition question with an entity question. Tell it that requests to define a term belong to DESC.',
      'Questions such as "What is sonar?" ask for a definition, so they are DESC, not ENTY; the instruction should state this.',
    ],
    sentences: [
      'Questions that ask for a definition or the meaning of a term ("What is X?") are DESC.',
      'If the question asks to define something or what a word means, choose DESC.',
    ],
  },
  {
    id: 'trec.enty_term',
    kind: 'classify',
    right: 'ENTY',
    hint: /^(what|which|name)\b/i,
    concept: 'questions asking for the name of a thing are ENTY',
    wrong: 'DESC',
    cue: [
      near(
        String.raw`\b(asks?|asking|answer|questions?)\b[^.\n]*(\bname of\b|\bnames? (a|an|the) (thing|object|term|substance|product)|\b(is|are) called\b|\ba term\b|\bsubstance|\bproduct name)`,
        String.raw`\bENTY\b`,
      ),
    ],
    failureRate: 0.22,
    applies: (e) =>
      startsWhat(e) &&
      ['ENTY:termeq', 'ENTY:other', 'ENTY:substance', 'ENTY:product', 'ENTY:body'].includes(e.fine),
    feedback: [
      'The question asks for the name of a thing (a term, substance or product), which is ENTY, but it was labelled DESC. The instruction should say that questions asking what a thing is called are ENTY.',
      'This asks for the name of an object, not a description. Tell the classifier that asking for the name of a thing or term means ENTY.',
    ],
    sentences: [
      'Questions asking for the name of a thing, substance or term (what something is called) are ENTY.',
      'If the answer names a thing or a term rather than explaining it, choose ENTY.',
    ],
  },
  {
    id: 'trec.num_date',
    kind: 'classify',
    right: 'NUM',
    hint: /^when\b|\b(year|date|how long|century|decade)\b/i,
    concept: 'dates, years and durations are NUM',
    wrong: 'ENTY',
    cue: [
      near(
        String.raw`\b(dates?|years?|durations?|time periods?|how long|when[- ]questions?|point in time|centur(y|ies))\b`,
        String.raw`\b(NUM|numeric)\b`,
      ),
    ],
    contrary: [
      /\b(dates?|years?|durations?|time periods?)\b[^.\n]{0,40}\b(are|is|count as|belongs? to|go(es)? (in|to)|labell?ed|choose)\s+(always\s+)?\b(ABBR|ENTY|DESC|HUM|LOC)\b/i,
    ],
    failureRate: 0.28,
    applies: (e) => ['NUM:date', 'NUM:period'].includes(e.fine),
    feedback: [
      'The question asks for a date or a period of time, which is a numeric value (NUM), but it was labelled ENTY. The instruction should say that dates, years and durations are NUM.',
      'Questions starting with "When" or asking for a year or how long something lasts are NUM; the classifier missed that.',
    ],
    sentences: [
      'Dates, years and durations (When...? How long...?) are numeric values: choose NUM.',
      'A question asking for a date, a year or a time period is NUM.',
    ],
  },
  {
    id: 'trec.loc',
    kind: 'classify',
    right: 'LOC',
    hint: /^(what|which|name)\b/i,
    concept: 'countries, cities and places are LOC',
    wrong: 'ENTY',
    cue: [
      near(
        String.raw`\b(countr(y|ies)|cit(y|ies)|towns?|states?|rivers?|mountains?|continents?|regions?|places?|geograph\w*|where)\b`,
        String.raw`\b(LOC|location)\b`,
      ),
    ],
    contrary: [
      /\b(countr(y|ies)|cit(y|ies)|places?|rivers?|mountains?)\b[^.\n]{0,40}\b(are|is|count as|belongs? to|go(es)? (in|to)|labell?ed|choose)\s+(always\s+)?\b(ABBR|ENTY|DESC|HUM|NUM)\b/i,
    ],
    failureRate: 0.18,
    applies: (e) => e.label === 'LOC' && startsWhat(e),
    feedback: [
      'A "What/Which ..." question whose answer is a place was labelled ENTY. The instruction should say that countries, cities, states and other places are LOC.',
      'The answer to this question is a geographic place, so it is LOC; tell the classifier that questions about countries, cities or places are LOC.',
    ],
    sentences: [
      'Questions whose answer is a place (a country, city, state, river or mountain) are LOC.',
      'If the answer is a geographic place, choose LOC even when the question starts with "What".',
    ],
  },
  {
    id: 'trec.hum_group',
    kind: 'classify',
    right: 'HUM',
    hint: /\b(team|company|group|organi[sz]ation|band|party|club|who)\b/i,
    concept: 'people, groups and organizations are HUM',
    wrong: 'ENTY',
    cue: [
      near(
        String.raw`\b(groups?|organi[sz]ations?|teams?|compan(y|ies)|bands?|clubs?|part(y|ies))\b`,
        String.raw`\b(HUM|human)\b`,
      ),
    ],
    contrary: [
      /\b(groups?|organi[sz]ations?|teams?|compan(y|ies))\b[^.\n]{0,40}\b(are|is|count as|belongs? to|go(es)? (in|to)|labell?ed|choose)\s+(always\s+)?\b(ABBR|ENTY|DESC|LOC|NUM)\b/i,
    ],
    failureRate: 0.5,
    applies: (e) => ['HUM:gr', 'HUM:title', 'HUM:desc'].includes(e.fine),
    feedback: [
      'The answer is a group of people or an organization (a team, a company), which is HUM, but it was labelled ENTY. The instruction should say that groups and organizations are HUM.',
      'Teams, companies and other organizations count as human (HUM); the classifier missed that.',
    ],
    sentences: [
      'Groups and organizations of people (teams, companies, bands) are HUM, like individual persons.',
      'If the answer is a person, a group or an organization, choose HUM.',
    ],
  },
  {
    id: 'trec.abbr',
    kind: 'classify',
    right: 'ABBR',
    hint: /stands? for|abbreviat|acronym|\b[A-Z]{2,}\b/,
    concept: 'expansions of abbreviations are ABBR',
    wrong: 'DESC',
    cue: [
      near(
        String.raw`\bstands? for\b|\bexpan(sion|d|ding)\b|\bfull form\b|\bspelled out\b`,
        String.raw`\bABBR\b`,
      ),
    ],
    contrary: [
      /\b(abbreviations?|acronyms?|expansions?)\b[^.\n]{0,40}\b(are|is|count as|belongs? to|go(es)? (in|to)|labell?ed|choose)\s+(always\s+)?\b(ENTY|DESC|HUM|LOC|NUM)\b/i,
    ],
    failureRate: 0.6,
    applies: (e) => e.label === 'ABBR',
    feedback: [
      'The question asks what an abbreviation stands for, which is ABBR, but it was labelled DESC. The instruction should say that questions about what an acronym stands for are ABBR.',
      'Asking for the expansion of an acronym is ABBR; tell the classifier so.',
    ],
    sentences: [
      'Questions asking what an abbreviation or acronym stands for (its expansion) are ABBR.',
      'If the question asks for the full form of an acronym, choose ABBR.',
    ],
  },
];

const DESCRIPTIONS: Record<TrecLabel, string> = {
  ABBR: 'an abbreviation',
  ENTY: 'an entity',
  DESC: 'a description',
  HUM: 'a person',
  LOC: 'a location',
  NUM: 'a number',
};

function demoCorrect(e: TrecExample, demo: string): boolean {
  const found = labelsIn(demo);
  return found.length === 1 && found[0] === e.label;
}

export function trecOutcome(
  ctx: WorldContext,
  call: TaskCall<TrecExample>,
): { label: TrecLabel; failed: string[] } {
  const taught = taughtSkills(ctx, call, TREC_SKILLS, demoCorrect);
  const failed = TREC_SKILLS.filter((s) => fallsInto(ctx, s, call, taught));
  let label: TrecLabel = failed[0]?.wrong ?? call.example.label;
  if (slips(ctx, call, TREC_SKILLS)) {
    label = hashPick(
      TREC_LABELS.filter((l) => l !== call.example.label),
      ctx.seed,
      'trec.slip',
      call.example.id,
      call.choice,
    );
  }
  return { label, failed: failed.map((s) => s.id) };
}

export function trecRespond(ctx: WorldContext, call: TaskCall<TrecExample>): string {
  const { label } = trecOutcome(ctx, call);
  const reasoning = `The question "${call.example.question}" expects ${DESCRIPTIONS[label]} as its answer, so the class is ${label}.`;
  const format = call.fields.format;
  if (format.type !== 'none') return renderFormatted(format, { reasoning, answer: label });
  // No clear format: prose without the class name as a token, which a strict parser cannot read.
  const variants = [
    `This question is looking for ${DESCRIPTIONS[label]}, so I would put it in that category.`,
    `I think the answer would be ${DESCRIPTIONS[label]}; the question is about that kind of thing.`,
  ];
  return variants[hashInt(variants.length, ctx.seed, 'trec.verbose', call.example.id)] as string;
}
