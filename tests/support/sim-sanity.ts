/**
 * The sanity table of the simulated world (packages/sim/README.md; SIM.md "Meaning, information, and
 * every method alike"): per task, the starting prompt, every concept, each concept alone, every concept
 * negated, a bare keyword list and generic reminders only, each scored with `autodiff eval`'s `runEval`
 * on the validation split. The expected ordering — start < every concept; each concept alone between
 * them; negated, keyword list and generic-only no better than the start (within a tolerance) — is
 * checked by `checkOrdering`, in CI by tests/sim-sanity.test.ts. Simulated model, not research results.
 */
import { runEval } from '../../packages/runner/src/eval/run';
import { skillsOf } from '../../packages/sim/src/diagnose';
import { GENERIC_SENTENCES } from '../../packages/sim/src/optimizer';
import { readConcept } from '../../packages/sim/src/reading';
import type { Skill } from '../../packages/sim/src/skills';

interface Concept {
  id: string;
  /** Said the other way round: forbidding the concept. */
  negated: string;
}

export interface SanityTask {
  task: string;
  pipeline: string;
  /** The trainable instruction the variants extend. */
  param: string;
  concepts: Concept[];
  /** A bare keyword list naming the concepts. */
  keywords: string;
}

export const SANITY_TASKS: SanityTask[] = [
  {
    task: 'object-count',
    pipeline: 'object-count',
    param: 'object_count.system_prompt',
    concepts: [
      { id: 'oc.quantity', negated: 'Do not multiply any item by its quantity.' },
      { id: 'oc.category', negated: 'There is no need to check the category of each item.' },
      { id: 'oc.enumerate', negated: 'Never keep a running total.' },
    ],
    keywords: 'Keywords: quantity of each item, asked category, running total.',
  },
  {
    task: 'trec',
    pipeline: 'trec',
    param: 'trec.instruction',
    concepts: [
      { id: 'trec.desc_def', negated: 'Definitions are never DESC.' },
      { id: 'trec.enty_term', negated: 'Questions asking for the name of a thing are not ENTY.' },
      { id: 'trec.num_date', negated: 'Dates, years and durations are not NUM.' },
      { id: 'trec.loc', negated: 'Countries, cities and places are not LOC.' },
      { id: 'trec.hum_group', negated: 'Teams, companies and organizations are not HUM.' },
      { id: 'trec.abbr', negated: 'Do not label what an acronym stands for as ABBR.' },
    ],
    keywords:
      'Keywords: definition DESC, thing name ENTY, date NUM, place LOC, team HUM, acronym expansion ABBR.',
  },
  {
    task: 'hotpot',
    pipeline: 'hotpot-vanilla',
    param: 'hotpot_vanilla.answer_instruction',
    concepts: [
      { id: 'hp.yes_no', negated: 'Never answer with just yes or no.' },
      { id: 'hp.compare', negated: 'Do not compare both entities.' },
      { id: 'hp.bridge', negated: 'Answer with the intermediate entity.' },
    ],
    keywords: 'Keywords: yes/no, compare both, multi-hop.',
  },
];

export interface SanityRow {
  variant: string;
  score: number;
  n: number;
}

/** The simulated world's concept `id` of the task. */
function skillOf(task: SanityTask, id: string): Skill {
  const skillTask = task.task === 'object-count' ? 'object_count' : (task.task as 'trec' | 'hotpot');
  const skill = skillsOf(skillTask).find((s) => s.id === id);
  if (!skill) throw new Error(`sanity: no concept ${id}`);
  return skill;
}

function sentenceOf(task: SanityTask, id: string): string {
  return skillOf(task, id).sentences[0] as string;
}

/** The variants' instructions, by name (the starting value is read from the pipeline). */
export function variants(task: SanityTask, start: string): [string, string][] {
  const all = task.concepts.map((c) => sentenceOf(task, c.id));
  return [
    ['start', start],
    ['every concept', `${start}\n${all.join('\n')}`],
    ...task.concepts.map((c): [string, string] => [`${c.id} alone`, `${start}\n${sentenceOf(task, c.id)}`]),
    ['every concept negated', `${start}\n${task.concepts.map((c) => c.negated).join('\n')}`],
    ['keyword list', `${start}\n${task.keywords}`],
    ['generic only', `${start}\n${GENERIC_SENTENCES.slice(0, 3).join(' ')}`],
  ];
}

/** Each negated sentence must read as forbidding its concept (else the row would test nothing). */
export function checkNegations(task: SanityTask): string[] {
  return task.concepts.flatMap((c) => {
    const state = readConcept(skillOf(task, c.id), c.negated).state;
    return state === 'misled' ? [] : [`${c.id}: "${c.negated}" reads as ${state}`];
  });
}

export async function sanityRows(
  task: SanityTask,
  opts: { size?: number; simSeed?: number } = {},
): Promise<SanityRow[]> {
  const base = {
    task: task.task,
    pipeline: task.pipeline,
    split: 'val' as const,
    taskModel: 'sim:task',
    concurrency: 4,
  };
  const first = await runEval({ ...base, size: opts.size, simSeed: opts.simSeed });
  const start = first.values[task.param];
  if (typeof start !== 'string') throw new Error(`sanity: ${task.pipeline} has no prompt ${task.param}`);
  const rows: SanityRow[] = [];
  for (const [variant, text] of variants(task, start)) {
    const r =
      variant === 'start'
        ? first
        : await runEval({
            ...base,
            size: opts.size,
            simSeed: opts.simSeed,
            valueMap: { [task.param]: text },
          });
    rows.push({ variant, score: r.score, n: r.n });
  }
  return rows;
}

/**
 * What re-drawn slips may move a score by on `n` examples: new content re-draws the slips of the
 * examples it touches (about 4.5% each way for sim:task), so 2.5 standard deviations of the difference
 * of two such draws, sqrt(2 · 0.045 / n): 7.5 points on 100 examples, 5.8 on 166.
 */
export function slipTolerance(n: number): number {
  return 2.5 * Math.sqrt((2 * 0.045) / n);
}

/**
 * The expected ordering (SIM.md: start < every concept; negated, keyword list, generic-only ≈ start);
 * returns the violations. A keyword list removes a quarter of a concept's failures (reading.ts), so it
 * may gain at most half of what stating every concept gains.
 */
export function checkOrdering(rows: readonly SanityRow[]): string[] {
  const score = (v: string) => rows.find((r) => r.variant === v)?.score ?? Number.NaN;
  const tolerance = slipTolerance(rows[0]?.n ?? 1);
  const start = score('start');
  const every = score('every concept');
  const out: string[] = [];
  if (!(every >= start + tolerance)) out.push(`every concept ${every} is not clearly above start ${start}`);
  for (const r of rows.filter((x) => x.variant.endsWith(' alone'))) {
    if (r.score < start - tolerance) out.push(`${r.variant} ${r.score} below start ${start}`);
    if (r.score > every + tolerance) out.push(`${r.variant} ${r.score} above every concept ${every}`);
  }
  for (const v of ['every concept negated', 'generic only'])
    if (score(v) > start + tolerance) out.push(`${v} ${score(v)} above start ${start}`);
  if (Math.abs(score('generic only') - start) > tolerance) out.push('generic reminders move the score');
  if (score('keyword list') > start + (every - start) / 2)
    out.push(`keyword list ${score('keyword list')} gains more than half of every concept's gain`);
  return out;
}

export function sanityMarkdown(results: { task: SanityTask; rows: SanityRow[] }[], note: string): string {
  const lines = [
    `**Simulated model — not research results.** Validation accuracy with \`autodiff eval\`'s runEval (sim:task); ${note}`,
    '',
    '| task | variant | score | n |',
    '| --- | --- | --- | --- |',
  ];
  for (const { task, rows } of results)
    for (const r of rows) lines.push(`| ${task.pipeline} | ${r.variant} | ${r.score.toFixed(3)} | ${r.n} |`);
  return lines.join('\n');
}
