import type { TaskFields } from '../contract';
import type { DataWorld, Example } from '../data/datasets';
import { digest, hashUnit } from '../hash';
import type { SimProfile } from '../profiles';
import { expresses, type Skill } from '../skills';
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

/** A bloated instruction costs accuracy as well as tokens: +1 point of slip per 40 words beyond 200. */
export function slipRate(profile: SimProfile, instruction: string): number {
  const extra = Math.max(0, wordCount(instruction) - 200) / 40 / 100;
  return profile.slip + Math.min(0.08, extra);
}

export function slips(ctx: WorldContext, call: TaskCall): boolean {
  const sampled = call.choice > 0 ? SAMPLING_SLIP_PER_TEMPERATURE * call.temperature : 0;
  const rate = slipRate(ctx.profile, call.fields.instruction) + sampled;
  return (
    hashUnit(
      ctx.seed,
      'slip',
      ctx.profile.id,
      digest(call.fields.instruction),
      call.example.id,
      call.choice,
    ) < rate
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
  if (expresses(skill, call.fields.instruction) || taught.has(skill.id)) return false;
  return (
    hashUnit(ctx.seed, 'skill', skill.id, call.example.id) < skill.failureRate * ctx.profile.failureScale
  );
}
