/**
 * What went wrong in one call, inferred from what a judging role can SEE: the question, the component's
 * inputs (passages, previous steps), its output, and the expected answer when the request shows it. The
 * backward engine and the optimizer's "no feedback text" mode both use it. Nothing here looks an example
 * up: no dataset, no hidden label, no gold passage title (CONTRACT.md, "What a judging role may infer").
 */
import { TAGS } from '@llm-autodiff/llm';
import type { TaskName } from './data/datasets';
import type { CallKind, Skill } from './skills';
import { normalizeAnswer, readNested } from './text';
import {
  HP_ANSWER_SKILLS,
  HP_BRIDGE,
  HP_COMPARE,
  HP_QUERY_BRIDGE,
  HP_QUERY_SKILLS,
  HP_REACT_SEPARATE,
  HP_REACT_SHORT,
  HP_REACT_SKILLS,
  HP_SHORT,
  HP_YES_NO,
} from './worlds/hotpot-skills';
import { OC_SKILLS } from './worlds/object-count';
import { countOf, parseObjectCount } from './worlds/object-count-parse';
import { countActions } from './worlds/react';
import { isTrecLabel, labelsIn, TREC_SKILLS } from './worlds/trec';

export type Diagnosis =
  | { kind: 'correct' }
  | { kind: 'skill'; skill: Skill }
  | { kind: 'format' }
  /** The context lacks what the answer needs; `missing` names a visible entity when one stands out. */
  | { kind: 'retrieval'; missing?: string }
  | { kind: 'unknown' };

/** The visible parts of one call. */
export interface VisibleCall {
  question?: string;
  /** Everything the component received (its rendered inputs, passages, steps). */
  context: string;
  output: string;
  /** The expected answer, only when the request shows it. */
  expected?: string;
}

/** Every HotPotQA skill once (the answer and ReAct lists share some). */
const HP_ALL_SKILLS: readonly Skill[] = [
  ...new Set<Skill>([...HP_ANSWER_SKILLS, ...HP_QUERY_SKILLS, ...HP_REACT_SKILLS]),
];

export function skillsOf(task: TaskName, kind?: CallKind): readonly Skill[] {
  if (task === 'object_count') return OC_SKILLS;
  if (task === 'trec') return TREC_SKILLS;
  if (kind === 'query') return HP_QUERY_SKILLS;
  if (kind === 'react') return HP_REACT_SKILLS;
  if (kind === 'answer') return HP_ANSWER_SKILLS;
  return HP_ALL_SKILLS;
}

/** A JSON field of an output, or undefined. */
export function outputField(output: string, keys: readonly string[]): string | undefined {
  const m = output.match(/\{[\s\S]*\}/);
  if (!m) return undefined;
  try {
    const obj = JSON.parse(m[0]) as Record<string, unknown>;
    for (const k of keys) {
      const v = obj[k];
      if (typeof v === 'string' || typeof v === 'number') return String(v);
      if (v && typeof v === 'object') {
        const inner = Object.values(v as Record<string, unknown>).find((x) => typeof x === 'string');
        if (typeof inner === 'string') return inner;
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** The question of a call: its `<QUESTION>` section, else a counting question written in the text. */
export function visibleQuestion(text: string): string | undefined {
  const q = readNested(text, TAGS.task.question);
  if (q) return q.trim();
  return text.match(/I have [^\n]*?How many [^\n]*? do I have\?/)?.[0];
}

/** Which task a call belongs to, from its visible text. */
export function visibleTask(call: VisibleCall): TaskName {
  if (call.question && parseObjectCount(call.question)) return 'object_count';
  const expected = call.expected?.trim() ?? '';
  if (isTrecLabel(expected)) return 'trec';
  if (outputField(call.output, ['class_name', 'label', 'class']) !== undefined) return 'trec';
  return 'hotpot';
}

/** Which kind of call produced `output` (its JSON keys). */
export function visibleKind(task: TaskName, output: string): CallKind {
  if (task === 'object_count') return 'count';
  if (task === 'trec') return 'classify';
  if (/["']action["']\s*:/.test(output)) return 'react';
  if (/["']query["']\s*:/.test(output)) return 'query';
  return 'answer';
}

function diagnoseCount(call: VisibleCall): Diagnosis {
  const raw = outputField(call.output, ['answer', 'count']) ?? call.output;
  const nums = raw.match(/\d+/g);
  if (!nums) return { kind: 'format' };
  const got = Number(nums[nums.length - 1]);
  const q = parseObjectCount(call.question ?? '');
  if (!q) return { kind: 'unknown' };
  // A capable reviewer counts the visible question itself when no expected answer is shown.
  const shown = Number(call.expected?.match(/\d+/)?.[0] ?? Number.NaN);
  const gold = Number.isNaN(shown) ? countOf(q) : shown;
  if (got === gold) return { kind: 'correct' };
  const [quantity, category, enumerate] = OC_SKILLS as [Skill, Skill, Skill];
  const tries: [Skill, number][] = [
    [quantity, countOf(q, { ignoreQuantities: true })],
    [category, countOf(q, { allCategories: true })],
    [quantity, countOf(q, { ignoreQuantities: true, allCategories: true })],
  ];
  for (const [skill, n] of tries) if (n !== gold && n === got) return { kind: 'skill', skill };
  for (const [skill, n] of tries) if (n !== gold && Math.abs(n - got) === 1) return { kind: 'skill', skill };
  if (Math.abs(got - gold) === 1 && q.items.length >= 7) return { kind: 'skill', skill: enumerate };
  return { kind: 'unknown' };
}

function diagnoseTrec(call: VisibleCall): Diagnosis {
  const raw = outputField(call.output, ['class_name', 'label', 'class', 'answer', 'category']) ?? call.output;
  const got = labelsIn(raw).at(-1);
  if (got === undefined) return { kind: 'format' };
  const gold = labelsIn(call.expected ?? '').at(-1);
  if (gold === undefined) return { kind: 'unknown' };
  if (got === gold) return { kind: 'correct' };
  const question = call.question ?? '';
  const fits = TREC_SKILLS.filter((s) => s.right === gold);
  const skill =
    fits.find((s) => s.wrong === got && s.hint.test(question)) ??
    fits.find((s) => s.hint.test(question)) ??
    fits[0];
  return skill ? { kind: 'skill', skill } : { kind: 'unknown' };
}

const COMPARISON =
  /\b(or|both|same|more|most|less|fewer|older|younger|earlier|later|first|longer|larger|bigger|higher|taller)\b/i;

/** Capitalized names of the question that no passage of the context mentions. */
function unmentionedNames(question: string, context: string): string[] {
  const ctx = normalizeAnswer(context);
  const names = question.match(/\b[A-Z][\w'.-]*(?: (?:of |the |de )?[A-Z][\w'.-]*)*/g) ?? [];
  return names
    .filter(
      (n, i) =>
        i > 0 || !/^(What|Which|Who|Whom|Whose|When|Where|How|Is|Are|Was|Were|Do|Does|Did|In|The)$/.test(n),
    )
    .filter((n) => !ctx.includes(normalizeAnswer(n)));
}

function diagnoseHotpotAnswer(call: VisibleCall, answer: string | undefined, react: boolean): Diagnosis {
  if (answer === undefined || answer.trim() === '') return { kind: 'format' };
  if (call.expected === undefined) return { kind: 'unknown' };
  const got = normalizeAnswer(answer);
  const gold = normalizeAnswer(call.expected);
  if (got === gold) return { kind: 'correct' };
  const question = call.question ?? '';
  const yesNo = gold === 'yes' || gold === 'no';
  if (yesNo && got !== 'yes' && got !== 'no') return { kind: 'skill', skill: HP_YES_NO };
  if (got.includes(gold)) return { kind: 'skill', skill: react ? HP_REACT_SHORT : HP_SHORT };
  const ctx = normalizeAnswer(call.context);
  if (!yesNo && !ctx.includes(gold))
    return { kind: 'retrieval', missing: unmentionedNames(question, call.context)[0] };
  if (COMPARISON.test(question) || yesNo) return { kind: 'skill', skill: HP_COMPARE };
  // The answer is a name the passages mention, but not the one asked for: it stopped at an intermediate hop.
  if (ctx.includes(got)) return { kind: 'skill', skill: HP_BRIDGE };
  return { kind: 'unknown' };
}

/** A search query that mostly repeats the question names no new entity. */
function repeatsQuestion(query: string, question: string): boolean {
  const q = new Set(normalizeAnswer(question).split(' '));
  const words = normalizeAnswer(query).split(' ').filter(Boolean);
  if (words.length === 0) return true;
  return words.filter((w) => q.has(w)).length / words.length >= 0.8;
}

/** What went wrong in `call`, from its visible text alone. */
export function diagnose(call: VisibleCall): Diagnosis {
  const task = visibleTask(call);
  if (task === 'object_count') return diagnoseCount(call);
  if (task === 'trec') return diagnoseTrec(call);
  const kind = visibleKind(task, call.output);
  const question = call.question ?? '';
  if (kind === 'query') {
    const query = outputField(call.output, ['query']) ?? call.output;
    const passages = readNested(call.context, TAGS.task.context) ?? '';
    // Before any passage is retrieved a query cannot name what the passages reveal.
    if (passages.trim() === '') return { kind: 'unknown' };
    return repeatsQuestion(query, question) ? { kind: 'skill', skill: HP_QUERY_BRIDGE } : { kind: 'correct' };
  }
  if (kind === 'react') {
    const action = outputField(call.output, ['action']);
    const arg = outputField(call.output, ['input', 'action_input', 'argument', 'kwargs', 'arguments']);
    const steps = readNested(call.context, TAGS.task.steps) ?? call.context;
    if (action === 'search') {
      return arg !== undefined && repeatsQuestion(arg, question)
        ? { kind: 'skill', skill: HP_REACT_SEPARATE }
        : { kind: 'unknown' };
    }
    const d = diagnoseHotpotAnswer({ ...call, context: steps }, arg, true);
    if (d.kind === 'retrieval' && countActions(steps).searches <= 1)
      return { kind: 'skill', skill: HP_REACT_SEPARATE };
    return d;
  }
  const answer = outputField(call.output, ['answer']) ?? (/\{/.test(call.output) ? undefined : call.output);
  return diagnoseHotpotAnswer(call, answer, false);
}

/**
 * The concepts a CORRECT, labelled example shows a need for (a demonstration: its question and its
 * right answer), read from its visible text alone: a counting question with a quantity word in the asked
 * category, items of other categories or a long list; a TREC question whose wording and label fit a
 * concept; a yes/no or comparison HotPotQA question. A proposer that sees such examples may infer the
 * concept (optimizer.ts, same rate as inferring from failing examples).
 */
export function visibleNeeds(call: VisibleCall): Skill[] {
  const task = visibleTask(call);
  const question = call.question ?? '';
  if (task === 'object_count') {
    const q = parseObjectCount(question);
    if (!q) return [];
    const [quantity, category, enumerate] = OC_SKILLS as [Skill, Skill, Skill];
    const needs: Skill[] = [];
    if (q.items.some((i) => i.quantity > 1 && i.category === q.asked)) needs.push(quantity);
    if (q.items.some((i) => i.category !== q.asked)) needs.push(category);
    if (q.items.length >= 7) needs.push(enumerate);
    return needs;
  }
  if (task === 'trec') {
    const raw = outputField(call.output, ['class_name', 'label', 'class', 'answer']) ?? call.expected ?? '';
    const label = labelsIn(raw).at(-1) ?? labelsIn(call.expected ?? '').at(-1);
    if (label === undefined) return [];
    const fit = TREC_SKILLS.find((s) => s.right === label && s.hint.test(question));
    return fit ? [fit] : [];
  }
  const answer = normalizeAnswer(call.expected ?? outputField(call.output, ['answer']) ?? '');
  if (answer === 'yes' || answer === 'no') return [HP_YES_NO];
  if (COMPARISON.test(question)) return [HP_COMPARE];
  return [];
}
