/**
 * Re-deriving what went wrong in one call from its visible output, as a careful reviewer would: the
 * backward engine and the optimizer's "no feedback text" mode both use it.
 */
import { TAGS } from '@llm-autodiff/llm';
import type { Example, HotpotExample, TaskName } from './data/datasets';
import type { CallKind, Skill } from './skills';
import { normalizeAnswer, readNested } from './text';
import { missingEntity } from './worlds/hotpot';
import { entityOf, goldParagraphs, goldPresence, hopOrder, isYesNo } from './worlds/hotpot-context';
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
import { OC_SKILLS, ocQuestion } from './worlds/object-count';
import { countOf } from './worlds/object-count-parse';
import { countActions } from './worlds/react';
import { labelsIn, TREC_SKILLS } from './worlds/trec';

export type Diagnosis =
  | { kind: 'correct' }
  | { kind: 'skill'; skill: Skill }
  | { kind: 'format' }
  | { kind: 'retrieval'; missing: string }
  | { kind: 'unknown' };

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

/** Which kind of call produced `output` (JSON keys), for a HotPotQA example. */
export function outputKind(example: Example, output: string): CallKind {
  if (example.task === 'object_count') return 'count';
  if (example.task === 'trec') return 'classify';
  if (/["']action["']\s*:/.test(output)) return 'react';
  if (/["']query["']\s*:/.test(output)) return 'query';
  return 'answer';
}

function diagnoseCount(e: Extract<Example, { task: 'object_count' }>, output: string): Diagnosis {
  const raw = outputField(output, ['answer', 'count']) ?? output;
  const nums = raw.match(/\d+/g);
  if (!nums) return { kind: 'format' };
  const got = Number(nums[nums.length - 1]);
  const gold = Number(e.answer);
  if (got === gold) return { kind: 'correct' };
  const q = ocQuestion(e);
  if (!q) return { kind: 'unknown' };
  const [quantity, category, enumerate] = OC_SKILLS as [Skill, Skill, Skill];
  const tries: [Skill, number][] = [
    [quantity, countOf(q, { ignoreQuantities: true })],
    [category, countOf(q, { allCategories: true })],
    [quantity, countOf(q, { ignoreQuantities: true, allCategories: true })],
  ];
  for (const [skill, n] of tries) if (n !== gold && n === got) return { kind: 'skill', skill };
  for (const [skill, n] of tries) if (n !== gold && Math.abs(n - got) === 1) return { kind: 'skill', skill };
  if (Math.abs(got - gold) === 1) return { kind: 'skill', skill: enumerate };
  return { kind: 'unknown' };
}

function diagnoseTrec(e: Extract<Example, { task: 'trec' }>, output: string): Diagnosis {
  const raw = outputField(output, ['class_name', 'label', 'class', 'answer', 'category']) ?? output;
  const got = labelsIn(raw).at(-1);
  if (got === undefined) return { kind: 'format' };
  if (got === e.label) return { kind: 'correct' };
  const skill =
    TREC_SKILLS.find((s) => s.applies(e) && s.wrong === got) ?? TREC_SKILLS.find((s) => s.applies(e));
  return skill ? { kind: 'skill', skill } : { kind: 'unknown' };
}

function diagnoseHotpotAnswer(
  e: HotpotExample,
  answer: string | undefined,
  context: string,
  react: boolean,
): Diagnosis {
  if (answer === undefined || answer.trim() === '') return { kind: 'format' };
  const got = normalizeAnswer(answer);
  const gold = normalizeAnswer(e.answer);
  if (got === gold) return { kind: 'correct' };
  if (isYesNo(e) && got !== 'yes' && got !== 'no') return { kind: 'skill', skill: HP_YES_NO };
  const present = goldPresence(e, context);
  const golds = goldParagraphs(e);
  if (!present.every(Boolean)) {
    const missing = golds.find((_, i) => !present[i]);
    const needed =
      e.type === 'comparison' || !golds.some((p, i) => present[i] && normalizeAnswer(p.text).includes(gold));
    if (missing && needed) return { kind: 'retrieval', missing: entityOf(missing.title) };
  }
  if (got.includes(gold)) return { kind: 'skill', skill: react ? HP_REACT_SHORT : HP_SHORT };
  if (e.type === 'comparison') return { kind: 'skill', skill: HP_COMPARE };
  const { first, second } = hopOrder(e);
  if ([first, second].some((p) => normalizeAnswer(entityOf(p.title)) === got))
    return { kind: 'skill', skill: HP_BRIDGE };
  return { kind: 'unknown' };
}

/**
 * What went wrong in `output` for `example`. `context` is the text the component saw (its inputs:
 * retrieved passages or the ReAct steps).
 */
export function diagnose(example: Example, output: string, context: string): Diagnosis {
  if (example.task === 'object_count') return diagnoseCount(example, output);
  if (example.task === 'trec') return diagnoseTrec(example, output);
  const kind = outputKind(example, output);
  if (kind === 'query') {
    const query = outputField(output, ['query']) ?? output;
    const ctx = readNested(context, TAGS.task.context) ?? context;
    const target = missingEntity(example, ctx);
    if (!target || !goldPresence(example, ctx).some(Boolean)) return { kind: 'unknown' };
    if (normalizeAnswer(query).includes(normalizeAnswer(target))) return { kind: 'correct' };
    return { kind: 'skill', skill: HP_QUERY_BRIDGE };
  }
  if (kind === 'react') {
    const action = outputField(output, ['action']);
    const arg = outputField(output, ['input', 'action_input', 'argument', 'kwargs', 'arguments']);
    const steps = readNested(context, TAGS.task.steps) ?? context;
    if (action === 'search') {
      const asked = normalizeAnswer(example.question);
      if (arg !== undefined && normalizeAnswer(arg) === asked)
        return { kind: 'skill', skill: HP_REACT_SEPARATE };
      return { kind: 'unknown' };
    }
    const d = diagnoseHotpotAnswer(example, arg, steps, true);
    if (d.kind === 'retrieval' && countActions(steps).searches <= 1)
      return { kind: 'skill', skill: HP_REACT_SEPARATE };
    return d;
  }
  const answer = outputField(output, ['answer']) ?? (/\{/.test(output) ? undefined : output);
  return diagnoseHotpotAnswer(example, answer, context, false);
}
