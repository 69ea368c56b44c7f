/**
 * Describing requests (CONTRACT.md §6; a judging-like role, §3): observations about shown examples, a
 * summary of observations, a description of a program's prompts. Answered from the request text alone,
 * as a capable model would from what it is shown: the kind of questions and answers the examples have,
 * the steps and instructions the prompts state. No dataset, no hidden rule, no concept a sentence does
 * not show: a description names the task, not what the task model gets wrong.
 */
import type { DescribeFields, ParsedVariable } from './contract';
import { visibleQuestion } from './diagnose';
import { parseObjectCount } from './worlds/object-count-parse';
import { isTrecLabel } from './worlds/trec';

/** What a reader says about a kind of examples (the world's general vocabulary, the same for every request). */
export const KIND_OBSERVATIONS = {
  count:
    'The examples are counting questions: a list of things someone has, some with quantities, and a question about how many of one kind there are; the answer is one integer.',
  classify:
    'The examples are questions labelled with the kind of answer they ask for, one coarse class each (ABBR, ENTY, DESC, HUM, LOC, NUM); the answer is the class name.',
  factoid:
    'The examples are factoid questions about people, places and works, answered with a short phrase: a name, a date, a number, or yes or no.',
  other: 'The examples are inputs paired with short expected answers.',
} as const;
type ExampleKind = keyof typeof KIND_OBSERVATIONS;

const FORM_OBSERVATION = 'Each example shows its input and the expected answer.';
export const NOTHING_NEW = 'COMPLETE';

/** The expected answer an example shows (`Expected answer:` or `Output:` line), if any. */
function shownAnswer(example: string): string | undefined {
  return example.match(/(?:Expected answer|Output|Answer)\s*:\s*\n?\s*([^\n]+)/i)?.[1]?.trim();
}

function kindOf(example: string): ExampleKind {
  const q = visibleQuestion(example);
  if (q && parseObjectCount(q)) return 'count';
  const answer = shownAnswer(example) ?? '';
  if (isTrecLabel(answer)) return 'classify';
  return q ? 'factoid' : 'other';
}

/** The kinds of the shown examples, most frequent first. */
function kindsOf(examples: readonly string[]): ExampleKind[] {
  const counts = new Map<ExampleKind, number>();
  for (const e of examples) counts.set(kindOf(e), (counts.get(kindOf(e)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
}

function yesNoShare(examples: readonly string[]): string | undefined {
  const yesNo = examples.filter((e) => /^(?:yes|no)\.?$/i.test(shownAnswer(e) ?? '')).length;
  return yesNo > 0 ? `${yesNo} of the ${examples.length} shown answers are yes or no.` : undefined;
}

function observe(f: DescribeFields): string {
  const kinds = kindsOf(f.examples);
  const sentences = [...kinds.map((k) => KIND_OBSERVATIONS[k]), FORM_OBSERVATION];
  const share = kinds.includes('factoid') ? yesNoShare(f.examples) : undefined;
  if (share) sentences.push(share);
  // Prior observations are in the request: nothing new when each sentence is already among them.
  const fresh = sentences.filter((s) => !f.rest.includes(s));
  return fresh.length === 0 || fresh.every((s) => s === FORM_OBSERVATION || s === share)
    ? NOTHING_NEW
    : fresh.join(' ');
}

function firstSentence(text: string): string {
  const s = text.trim().match(/^[\s\S]*?[.!?](?=\s|$)/)?.[0] ?? text.trim();
  return s.replace(/\s+/g, ' ').slice(0, 200);
}

function describePrompts(prompts: readonly ParsedVariable[]): string {
  const steps = prompts.map(
    (p) => `${p.name}${p.role ? ` (${p.role})` : ''} is instructed: "${firstSentence(p.value)}"`,
  );
  if (prompts.length === 1) return `This step calls a language model; ${steps[0]}.`;
  return `The program calls a language model in ${prompts.length} steps, each feeding the next. ${steps.join('; ')}.`;
}

/** A summary: the known observations the request shows, in a few sentences. */
function summarize(f: DescribeFields): string {
  const known = [...Object.values(KIND_OBSERVATIONS), FORM_OBSERVATION].filter((s) => f.rest.includes(s));
  if (known.length === 0) return 'The observations describe short questions with short expected answers.';
  return known.slice(0, 3).join(' ');
}

export function describeRespond(f: DescribeFields): string {
  if (f.examples.length > 0) return observe(f);
  if (f.prompts.length > 0) return describePrompts(f.prompts);
  return summarize(f);
}
