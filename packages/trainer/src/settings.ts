/** The trainer's own settings, with defaults; a bad value is refused with the field name. */
import { TrainerInputError } from './errors';
import type { TrainerSettings } from './step-records';

/**
 * Seeds are 32-bit: the RNG and the batch order use `seed >>> 0`, so 2^32 would silently repeat seed 0.
 * Larger seeds are refused rather than folded.
 */
export const MAX_SEED = 0xffffffff;

export const DEFAULT_TRAINER_SETTINGS: TrainerSettings = {
  seed: 2025,
  concurrency: 4,
  earlyStopValidation: true,
};

export function resolveTrainerSettings(input: Partial<TrainerSettings> = {}): TrainerSettings {
  for (const key of Object.keys(input)) {
    if (!(key in DEFAULT_TRAINER_SETTINGS))
      throw new TrainerInputError(`trainer settings: unknown field "${key}"`);
  }
  const s: TrainerSettings = { ...DEFAULT_TRAINER_SETTINGS };
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined) Object.assign(s, { [key]: value });
  }
  for (const [name, min] of [
    ['seed', 0],
    ['concurrency', 1],
  ] as const) {
    if (!Number.isInteger(s[name]) || s[name] < min)
      throw new TrainerInputError(`trainer settings: ${name} must be an integer >= ${min}, got ${s[name]}`);
  }
  if (s.seed > MAX_SEED)
    throw new TrainerInputError(
      `trainer settings: seed must be at most ${MAX_SEED} (2^32 - 1; larger seeds would collide), got ${s.seed}`,
    );
  if (typeof s.earlyStopValidation !== 'boolean')
    throw new TrainerInputError(
      `trainer settings: earlyStopValidation must be true or false, got ${String(s.earlyStopValidation)}`,
    );
  return s;
}
