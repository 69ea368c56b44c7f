/**
 * The config a run is given (train flags, experiment files): the method's own fields plus the trainer's
 * settings (seed, concurrency, early stop). One owner for the split and the check, so `train` and
 * `repro` agree on what a config means.
 */
import { type GdpoConfigInput, resolveGdpoConfig } from '@llm-autodiff/gdpo';
import { resolveTrainerSettings, type TrainerSettings } from '@llm-autodiff/trainer';

export type RunConfigInput = GdpoConfigInput & Partial<TrainerSettings>;

const TRAINER_KEYS = ['seed', 'concurrency', 'earlyStopValidation'] as const;

export function splitRunConfig(config: RunConfigInput): {
  methodConfig: GdpoConfigInput;
  trainer: Partial<TrainerSettings>;
} {
  const methodConfig: Record<string, unknown> = { ...config };
  const trainer: Record<string, unknown> = {};
  for (const key of TRAINER_KEYS) {
    if (key in methodConfig) trainer[key] = methodConfig[key];
    delete methodConfig[key];
  }
  return { methodConfig: methodConfig as GdpoConfigInput, trainer: trainer as Partial<TrainerSettings> };
}

/** Throws the trainer's or the method's input error, naming the field. */
export function checkRunConfig(config: RunConfigInput): void {
  const { methodConfig, trainer } = splitRunConfig(config);
  resolveGdpoConfig(methodConfig);
  resolveTrainerSettings(trainer);
}
