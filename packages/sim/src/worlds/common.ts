import type { TaskFields } from '../contract';
import type { DataWorld, Example } from '../data/datasets';
import { digest, hashUnit } from '../hash';
import type { SimProfile } from '../profiles';
import {
  type ConceptReading,
  instructionSentences,
  MISLED_FAILURE_CAP,
  READING_FAILURE_FACTOR,
  readConcept,
  sentenceKey,
} from '../reading';
import type { Skill } from '../skills';
import { wordCount } from '../text';

/** What a judging role (backward engine, optimizer) may use: no data, only its seed and profile. */
export interface JudgeContext {
  seed: number;
  profile: SimProfile;
}

/** What the task model and the teacher use: they may look their example up (simulated competence). */
export interface WorldContext extends JudgeContext {
  data: DataWorld;
}

/** One task call as a world sees it. */
export interface TaskCall<E extends Example = Example> {
  example: E;
  fields: TaskFields;
  /** Index of the choice (n > 1 samples differ by their slips). */
  choice: number;
  /** Sampling temperature of the request (0: every choice is choice 0). */
  temperature: number;
}

/**
 * Extra slip probability of a sampled choice (choice ≥ 1) per unit of temperature: choice 0 is the
 * model's most likely answer (what the calibration measures), further samples stray a little more.
 */
export const SAMPLING_SLIP_PER_TEMPERATURE = 0.03;

function sameTask<E extends Example>(ex: Example, like: E): ex is E {
  return ex.task === like.task;
}

/** Probability of taking a demo's lesson for a skill the demo shows handled correctly. */
const TEACH_RATE = 0.6;

/**
 * Length and redundancy cost smoothly (CONTRACT.md §2.2): each 100 words of instruction add half a point
 * of slips up to 200 words (a longer prompt dilutes what matters), 2.5 points per 100 words beyond (the
 * bloat slope the world always had, now without a free zone below it); every sentence said twice (the
 * same sentence, or a concept restated in other words) half a point; together capped at 8 points.
 * A first slope of 1 point per 100 words took the HotPotQA vanilla headroom below SIM.md's 10 points
 * (the cued answer prompt is ~100 words); calibration, not any method's result, set the half point.
 */
export const SLIP_PER_100_WORDS = 0.005;
export const BLOAT_FROM_WORDS = 200;
export const BLOAT_SLIP_PER_100_WORDS = 0.025;
export const SLIP_PER_REPEAT = 0.005;
export const MAX_LENGTH_SLIP = 0.08;

const readings = new Map<string, ConceptReading>();
/** `readConcept`, memoized: the same few instructions are read for thousands of calls. */
export function reading(skill: Skill, instruction: string): ConceptReading {
  const key = `${skill.id}\u0000${instruction}`;
  let r = readings.get(key);
  if (!r) {
    if (readings.size > 4096) readings.clear();
    r = readConcept(skill, instruction);
    readings.set(key, r);
  }
  return r;
}

/** Sentences said twice: identical sentences, plus extra statements of one concept. */
export function repeats(instruction: string, skills: readonly Skill[] = []): number {
  const seen = new Set<string>();
  let n = 0;
  for (const s of instructionSentences(instruction)) {
    const k = sentenceKey(s);
    if (k === '') continue;
    if (seen.has(k)) n++;
    seen.add(k);
  }
  for (const skill of skills) n += Math.max(0, reading(skill, instruction).statements - 1);
  return n;
}

export function slipRate(profile: SimProfile, instruction: string, skills: readonly Skill[] = []): number {
  const cost =
    (wordCount(instruction) / 100) * SLIP_PER_100_WORDS + repeats(instruction, skills) * SLIP_PER_REPEAT;
  return profile.slip + Math.min(MAX_LENGTH_SLIP, cost);
}

/**
 * What the instruction MEANS for this example: how it reads each concept whose trap the example has,
 * the output format asked for, and the demos shown. A slip is drawn per (example, meaning), so a
 * rewording that keeps the meaning keeps the example's outcome (unless the smooth length cost moves the
 * rate across its draw); new content re-draws the outcomes it touches.
 */
function meaningKey(call: TaskCall, skills: readonly Skill[]): string {
  const concepts = skills
    .filter((s) => s.applies(call.example))
    .map((s) => `${s.id}:${reading(s, call.fields.instruction).state}`);
  const f = call.fields.format;
  const format = f.type === 'json' ? `json:${[...f.keys].sort().join(',')}` : f.type;
  const demos = call.fields.examples.length > 0 ? digest(call.fields.examples.join('\n')) : '';
  return [...concepts, format, demos].join('|');
}

/** Whether the model slips on this call; `skills` are the concepts of this kind of call. */
export function slips(ctx: WorldContext, call: TaskCall, skills: readonly Skill[]): boolean {
  const sampled = call.choice > 0 ? SAMPLING_SLIP_PER_TEMPERATURE * call.temperature : 0;
  const rate = slipRate(ctx.profile, call.fields.instruction, skills) + sampled;
  return (
    hashUnit(ctx.seed, 'slip', ctx.profile.id, meaningKey(call, skills), call.example.id, call.choice) < rate
  );
}

/**
 * Skills the few-shot demos teach for this example: a demo of the same task, answered correctly, that
 * has a skill's trap teaches the skill with some probability.
 */
export function taughtSkills<E extends Example>(
  ctx: WorldContext,
  call: TaskCall<E>,
  skills: readonly Skill<E>[],
  demoCorrect: (demoExample: E, demoText: string) => boolean,
): Set<string> {
  const taught = new Set<string>();
  if (call.fields.examples.length === 0) return taught;
  const demosKey = digest(call.fields.examples.join('\n'));
  const shown = new Set<string>();
  for (const demo of call.fields.examples) {
    const ex = ctx.data.findIn(demo);
    if (!ex || !sameTask(ex, call.example) || ex.id === call.example.id) continue;
    if (!demoCorrect(ex, demo)) continue;
    for (const s of skills) if (s.applies(ex)) shown.add(s.id);
  }
  for (const id of shown) {
    if (hashUnit(ctx.seed, 'teach', id, call.example.id, demosKey) < TEACH_RATE) taught.add(id);
  }
  return taught;
}

/** Whether the model falls into `skill`'s trap on this call. Deterministic per (skill, example, seed). */
export function fallsInto<E extends Example>(
  ctx: WorldContext,
  skill: Skill<E>,
  call: TaskCall<E>,
  taught: Set<string>,
): boolean {
  if (!skill.applies(call.example)) return false;
  const factor = READING_FAILURE_FACTOR[reading(skill, call.fields.instruction).state];
  if (factor === 0 || taught.has(skill.id)) return false;
  const base = skill.failureRate * ctx.profile.failureScale;
  const rate = factor > 1 ? Math.min(MISLED_FAILURE_CAP, base * factor) : base * factor;
  return hashUnit(ctx.seed, 'skill', skill.id, call.example.id) < rate;
}
