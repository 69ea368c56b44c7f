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
import { defaultRoleModels, type RoleModels } from './model-defaults';

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

/** Methods that bootstrap demos from the student itself unless a teacher is named (DSPy's default). */
const STUDENT_TEACHER_METHODS: ReadonlySet<string> = new Set(['bootstrap', 'bfsrs', 'mipro']);

/**
 * Which teacher a run of `method` gets, as its reference sets it: the DSPy-style methods bootstrap from
 * the student (DSPy's `teacher=None`) unless the run names a teacher model other than the default;
 * GDPO's demo phase uses the teacher model (the paper's gpt-4o, set by the presets); the other methods
 * use none. Recorded in each run's `teacher` ("student", "none" or the model spec).
 */
export function teacherOf(
  method: string,
  methodConfig: { demos?: { steps?: number } },
  models: RoleModels,
): string {
  if (method === 'gdpo') return (methodConfig.demos?.steps ?? 0) > 0 ? models.teacher : 'none';
  if (!STUDENT_TEACHER_METHODS.has(method)) return 'none';
  const named = models.teacher !== defaultRoleModels({ task: models.task }).teacher;
  return named ? models.teacher : 'student';
}
