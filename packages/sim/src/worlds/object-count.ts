import type { ObjectCountExample } from '../data/datasets';
import { type Content, renderFormatted } from '../format';
import { hashInt, hashPick } from '../hash';
import { near, type Skill } from '../skills';
import { fallsInto, slips, type TaskCall, taughtSkills, type WorldContext } from './common';
import { countOf, type OcQuestion, parseObjectCount } from './object-count-parse';

const parsed = new Map<string, OcQuestion | undefined>();
export function ocQuestion(e: ObjectCountExample): OcQuestion | undefined {
  if (!parsed.has(e.id)) parsed.set(e.id, parseObjectCount(e.question));
  return parsed.get(e.id);
}

export const OC_SKILLS: Skill<ObjectCountExample>[] = [
  {
    id: 'oc.quantity',
    kind: 'count',
    concept: 'multiply each item by its quantity',
    cue: [
      near(String.raw`\bmultipl(y|ied|ying)\b`, String.raw`\b(quantit|amount|number|by)`),
      near(
        String.raw`\bquantit(y|ies)\b`,
        String.raw`\b(items?|objects?|things?|each|every|listed|number words?)\b`,
      ),
      near(String.raw`\bnumber words?\b`, String.raw`\b(quantit\w*|how many|items?|objects?|add\w*)\b`),
      near(String.raw`\bamounts?\b`, String.raw`\b(each|every) (item|object|thing)`),
      near(
        String.raw`\bnumbers?\b`,
        String.raw`\b(before|in front of|preceding) (a |the )?(nouns?|items?|objects?)`,
      ),
      /\b(two|three|four|five) [a-z]+\W{0,3}(,? that)? (is|are|counts? as|means) (two|three|four|five|[2-5])\b/i,
      /how many of each/i,
    ],
    contrary: [
      /\b(count|treat)\w* (each|every) (listed )?(phrase|entry|mention|line|item|object)\b[^.\n]*\b(once|as (one|1|a single))\b/i,
      /\bregardless of (the |any |their )?(quantit\w*|number words?|amounts?)/i,
      /\bnumber words? (are|is) (irrelevant|noise|decorative|meaningless)/i,
    ],
    failureRate: 0.08,
    applies: (e) =>
      (ocQuestion(e)?.items ?? []).some((i) => i.quantity > 1 && i.category === ocQuestion(e)?.asked),
    feedback: [
      'The count ignores the quantities: "two cabbages" is two items, not one. The instruction should say to multiply each item by its quantity.',
      'Items with a number word were counted once. Tell the model to take the quantity of each item into account (e.g. "three drums" counts as 3).',
      'The model treated each listed phrase as one item. It should read number words as quantities and add them up.',
    ],
    sentences: [
      'Read number words as quantities: "two cabbages" counts as 2, so multiply each item by its quantity.',
      'Count each item by its amount: take the quantity of every listed item into account before adding.',
      'When an item comes with a number word, add that quantity, not 1.',
    ],
  },
  {
    id: 'oc.category',
    kind: 'count',
    concept: 'only count the items of the asked category',
    cue: [
      near(
        String.raw`\b(only|just) (count|include|add|consider|keep)\b|\bcount (just|only)\b`,
        String.raw`\b(items?|objects?|things?|ones)\b[^.\n]*\b(categor\w*|kind|type|class|asked|requested|question|belongs?)\b`,
      ),
      near(
        String.raw`\b(ignore|exclude|skip|leave out|discard|drop)\w*\b[^.\n]*\b(items?|objects?|things?|anything|ones|others)\b`,
        String.raw`\b(not (of|in|from|part|belong)\w*|outside|other (categor\w*|kinds?|types?)|different (categor\w*|kinds?|types?)|categor\w*|do not match)\b`,
      ),
      /\b(check|verify|determine)\w*\b[^.\n]*\b(categor\w*|kind|type) of (each|every) (item|object|thing)/i,
      /(belongs?|belonging) to the (asked|requested|given|right) (category|type|class)/i,
    ],
    contrary: [
      /\bregardless of (the |their |its )?(categor\w*|kinds?|types?)/i,
      /\b(count|include|add)\w* (every|all|each)( of the)?( listed)? (items?|objects?|things?)\b[^.\n]*\b(whatever|any) (categor\w*|kinds?|types?)/i,
      /\b(every|all) (items?|objects?|things?)( in the list)? counts?\b/i,
    ],
    failureRate: 0.12,
    applies: (e) => (ocQuestion(e)?.items ?? []).some((i) => i.category !== ocQuestion(e)?.asked),
    feedback: [
      'The count includes items outside the asked category (e.g. instruments when the question asks about fruits). The instruction should say to only count items of the asked category.',
      'Some listed items do not belong to the category in the question, yet they were counted. Tell the model to check the category of each item and exclude the others.',
      'The model added every item in the list. It should only include the items that belong to the asked category.',
    ],
    sentences: [
      'Only count the items that belong to the asked category and ignore items that are not in it.',
      'First check the category of each item and exclude items from other categories.',
      'Only include items of the requested category in the count.',
    ],
  },
  {
    id: 'oc.enumerate',
    kind: 'count',
    concept: 'enumerate items one by one with a running total',
    cue: [
      near(
        String.raw`\bone (by|at a) (one|time)\b`,
        String.raw`\b(items?|objects?|things?|entries|list|adding|count|total)\b`,
      ),
      /running (total|count|sum|tally)|cumulative (sum|total|count)/i,
      /\b(list|enumerate|write down|go through)\w* (each|every|all)( of)?( the)? (items?|objects?|things?|entries)/i,
      /\bkeep(ing)? a (running )?tally|\btally (up|as|while)\b/i,
    ],
    contrary: [
      /\b(give|state|guess|estimate)\w* the (total|count|number)\b[^.\n]*\b(at once|directly|immediately|in one go|at a glance)\b/i,
    ],
    failureRate: 0.19,
    applies: (e) => (ocQuestion(e)?.items.length ?? 0) >= 7,
    feedback: [
      'On this long list the total is off by one. The instruction should ask to list the items one by one and keep a running total.',
      'The model lost track in a long list. Ask it to enumerate each item with its count and keep a running total.',
      'An item was skipped or counted twice. Listing each item one by one with a running tally would avoid this.',
    ],
    sentences: [
      'List the items one by one and keep a running total.',
      'Enumerate each item with its count, keeping a running tally as you go.',
      'Write down each item on its own line with a running total.',
    ],
  },
];

/** A demo is correct when its last number is the gold count. */
function demoCorrect(e: ObjectCountExample, demo: string): boolean {
  const nums = demo.match(/\d+/g);
  return nums !== null && nums[nums.length - 1] === e.answer;
}

export interface OcOutcome {
  count: number;
  failed: string[];
  slipped: boolean;
}

/** The count the model arrives at, and why. */
export function ocOutcome(ctx: WorldContext, call: TaskCall<ObjectCountExample>): OcOutcome {
  const q = ocQuestion(call.example);
  const gold = Number(call.example.answer);
  if (!q) return { count: gold, failed: [], slipped: false };
  const taught = taughtSkills(ctx, call, OC_SKILLS, demoCorrect);
  const failed = OC_SKILLS.filter((s) => fallsInto(ctx, s, call, taught)).map((s) => s.id);
  let count = countOf(q, {
    ignoreQuantities: failed.includes('oc.quantity'),
    allCategories: failed.includes('oc.category'),
  });
  if (failed.includes('oc.enumerate')) count += hashPick([-1, 1], ctx.seed, 'oc.off', call.example.id);
  const slipped = slips(ctx, call, OC_SKILLS);
  if (slipped) count += hashPick([-2, -1, 1, 2], ctx.seed, 'oc.slip', call.example.id, call.choice);
  return { count: Math.max(0, count), failed, slipped };
}

export function ocRespond(ctx: WorldContext, call: TaskCall<ObjectCountExample>): string {
  const q = ocQuestion(call.example);
  const { count } = ocOutcome(ctx, call);
  const asked = q?.asked ?? 'items';
  const listed = (q?.items ?? []).map((i) => i.phrase).join(', ');
  const reasoning = `The list is: ${listed}. Counting the ${asked}, I get ${count}.`;
  const content: Content = { reasoning, answer: String(count) };
  const format = call.fields.format;
  if (format.type !== 'none') return renderFormatted(format, content);
  // Not asked for a format: a chatty reply whose last number is not the count, so a last-number parser fails.
  const kinds = q?.items.length ?? 0;
  const variants = [
    `You have ${count} ${asked} in total, spread over ${kinds} different entries in your list.`,
    `Let me think. Counting the ${asked}: ${count}. (I looked at all ${kinds} things you mentioned.)`,
  ];
  return variants[hashInt(variants.length, ctx.seed, 'oc.verbose', call.example.id)] as string;
}
