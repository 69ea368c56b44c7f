/**
 * The config a run is given (train flags, experiment files): the trainer's settings (seed, concurrency,
 * early stop) plus a method's own fields. One owner for the split and the checks, so `train` and `repro`
 * agree on what a config means.
 *
 * An experiment's `config` holds the shared trainer settings and GDPO's fields (as before per-method
 * configs existed); `methodConfig.<method>` holds any method's own fields, checked by THAT method's
 * `resolveConfig` from the registry. Both are laid over the pipeline's preset (presets/run-settings.ts).
 */
import type { GdpoConfigInput } from '@llm-autodiff/gdpo';
import { resolveTrainerSettings, type TrainerSettings, tunedKinds } from '@llm-autodiff/trainer';
import { methods } from './methods';

export type RunConfigInput = GdpoConfigInput & Partial<TrainerSettings>;

/** Per method name (`textgrad`, `gepa`, ...): that method's own config fields. */
export type MethodConfigs = Record<string, Record<string, unknown>>;

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

/** Throws the trainer's or GDPO's input error, naming the field. */
export function checkRunConfig(config: RunConfigInput): void {
  const { methodConfig, trainer } = splitRunConfig(config);
  methods.get('gdpo').resolveConfig(methodConfig);
  resolveTrainerSettings(trainer);
}

/**
 * Whether a run of `method` with this config needs the pipeline's few-shot slot: when the config tunes
 * demos (the factory's `tunesWith`, e.g. GDPO only with demo steps; a pipeline without the slot ignores it).
 */
export function wantsDemosSlot(method: string, methodConfig: unknown): boolean {
  const factory = methods.get(method);
  return tunedKinds(factory, factory.resolveConfig(methodConfig)).includes('demos');
}

/** Throws the method's own input error (one line naming the method and the field). */
export function checkMethodConfig(method: string, input: unknown): void {
  methods.get(method).resolveConfig(input);
}
