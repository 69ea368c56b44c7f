/**
 * Flags of `autodiff train`: one task and pipeline, the trainer configuration, the splits' sizes, the
 * files, and the model specs of each role.
 */

import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Ablations, DEFAULT_ABLATIONS } from '@llm-autodiff/gdpo';
import {
  type BudgetOptions,
  BudgetSpecError,
  type ModelControls,
  ModelControlsError,
  parseBudgetSpec,
  parseModelControlFlags,
} from '@llm-autodiff/llm';
import {
  customPipeline,
  PIPELINE_NAMES,
  type PipelineName,
  TASK_NAMES,
  type TaskName,
  taskOf,
} from '@llm-autodiff/tasks';
import { DEFAULT_TRAINER_SETTINGS, generalFlagFields, MAX_SEED } from '@llm-autodiff/trainer';
import { checkCacheFlags, integer, parseFlags } from '../commands/options';
import { methods } from '../methods';
import { defaultRoleModels, type RoleModels } from '../model-defaults';
import type { SplitSizes } from '../pipeline-setup';
import { parseSettingFlags, type SettingArgs, settingFlagsGiven } from '../presets/flags';
import { checkMethodConfig, type RunConfigInput, splitRunConfig } from '../run-config';
import { UsageError } from '../usage-error';
import { type TrainFlags, trainOptions } from './options';

const DEFAULT_PIPELINE: Record<TaskName, PipelineName> = {
  'object-count': 'object-count',
  trec: 'trec',
  hotpot: 'hotpot-vanilla',
};

export interface TrainArgs {
  task: TaskName;
  pipeline: PipelineName;
  /** The registry name of the method. */
  method: string;
  /** The method's config fields set by flags, plus the trainer's seed and concurrency. */
  config: RunConfigInput;
  /** True when a flag set a trainer option (on resume they must match the checkpoint's). */
  configGiven: boolean;
  limits: SplitSizes;
  out: string;
  checkpoint: string;
  resume: boolean;
  cache: string | 'off' | undefined;
  /** Open the cache read-only: a miss fails, nothing is sent. */
  replay: boolean;
  /** Repeat index (with the seed, the run's cache salt). */
  repeat: number;
  /** --timeout, --max-retries, --max-concurrency: for every model, and per model spec. */
  controls: { controls: ModelControls; perModel: Record<string, ModelControls> };
  /** Limits on this process's model calls (cache hits are free). */
  budget: BudgetOptions | undefined;
  /** Folder for each step's backward graph, if asked for. */
  graphDir: string | undefined;
  /** Base URL for `openai:` specs without their own `@url`. */
  baseURL: string | undefined;
  quiet: boolean;
  models: RoleModels;
  /** Config file, `--set` and the reference-switch flags, laid over the pipeline's preset by the command. */
  settings: SettingArgs;
  /** World seed of the `sim:` models; undefined = `deriveSimSeed(seed, 0)` (see train/command.ts). */
  simSeed?: number;
  /** Print the run's estimate (calls, tokens, dollars) and whether it would start; call nothing. */
  dryRun: boolean;
  /** Refuse to start when the estimate on paid endpoints exceeds this many dollars (as `repro`). */
  maxCostUsd: number;
  /** A JSON price table instead of the built-in list prices (estimates and `usd` budgets). */
  pricesFile: string | undefined;
}

/** True when a flag set a trainer option (on resume they must agree with the checkpoint's config). */
function configGiven(f: TrainFlags): boolean {
  const trainer = [f.steps, f.batch, f.proposals, f.seed, f.strategy, f.ablation, f.demoSteps];
  return [...trainer, f.concurrency, f.methodConfig].some((v) => v !== undefined) || settingFlagsGiven(f);
}

/** `autodiff train`'s argv as the CLI parses it (for callers without the CLI, e.g. tests): a bare command. */
export function parseTrainArgs(argv: readonly string[]): TrainArgs {
  return trainArgsFrom(parseFlags<TrainFlags>('train', trainOptions(), argv));
}

/** The parsed flags of `autodiff train` (after --program, see program-flags.ts) -> the run's arguments. */
export function trainArgsFrom(flags: TrainFlags): TrainArgs {
  const split = (name: 'train' | 'val' | 'test'): number | undefined => {
    const v = flags[name];
    return v === undefined ? undefined : integer(1)(`--${name}`)(v);
  };
  const taskName = flags.task;
  if (!taskName) throw new UsageError('--task is required');
  const custom = customPipeline(taskName) !== undefined; // registered by --program (or registerPipeline)
  if (!custom && !(TASK_NAMES as string[]).includes(taskName))
    throw new UsageError(`unknown task "${taskName}"; expected one of ${TASK_NAMES.join(', ')}`);
  const task = taskName as TaskName;
  const pipelineName = flags.pipeline ?? DEFAULT_PIPELINE[task];
  if (!custom && !(PIPELINE_NAMES as string[]).includes(pipelineName)) {
    throw new UsageError(`unknown pipeline "${pipelineName}"; expected one of ${PIPELINE_NAMES.join(', ')}`);
  }
  const pipeline = pipelineName as PipelineName;
  const method = flags.method ?? 'gdpo';
  if (!methods.has(method))
    throw new UsageError(
      `unknown method "${method}"; known methods: ${methods
        .list()
        .map((m) => m.name)
        .join(', ')}`,
    );
  if (!custom && taskOf(pipeline) !== task)
    throw new UsageError(`pipeline "${pipeline}" belongs to task "${taskOf(pipeline)}", not "${task}"`);
  const ablations: Partial<Ablations> = {};
  for (const name of flags.ablation ?? []) {
    if (!(name in DEFAULT_ABLATIONS))
      throw new UsageError(
        `unknown ablation "${name}"; expected one of ${Object.keys(DEFAULT_ABLATIONS).join(', ')}`,
      );
    ablations[name as keyof Ablations] = true;
  }
  // Only what a flag set: another method may not know GDPO's fields (its defaults fill the rest).
  const config: RunConfigInput = {};
  if (flags.strategy) config.strategy = flags.strategy;
  if (Object.keys(ablations).length > 0) config.ablations = ablations;
  const set = <K extends keyof RunConfigInput>(key: K, v: RunConfigInput[K] | undefined) => {
    if (v !== undefined) config[key] = v;
  };
  // What --steps and --batch set is the method's to say (or it refuses them, naming its own field).
  Object.assign(config, generalFlagFields(methods.get(method), { steps: flags.steps, batch: flags.batch }));
  set('proposalsPerStep', flags.proposals);
  set('seed', flags.seed);
  set('concurrency', flags.concurrency);
  if (flags.demoSteps) config.demos = { steps: flags.demoSteps };
  if (config.seed !== undefined && config.seed > MAX_SEED)
    throw new UsageError(
      `--seed must be at most ${MAX_SEED} (2^32 - 1: larger seeds would collide with smaller ones), got ${config.seed}`,
    );
  Object.assign(config, methodConfigFlag(flags.methodConfig));
  // The method's factory checks its own fields (a TrainerInputError: one line naming method and field).
  checkMethodConfig(method, splitRunConfig(config).methodConfig);
  const seed = config.seed ?? DEFAULT_TRAINER_SETTINGS.seed;
  checkCacheFlags(flags);
  const out = resolve(flags.out ?? `results/${method}-${pipeline}-seed${seed}.json`);
  return {
    task,
    pipeline,
    method,
    config,
    configGiven: configGiven(flags),
    limits: { train: split('train'), val: split('val'), test: split('test') },
    out,
    checkpoint: resolve(flags.checkpoint ?? `${out.replace(/\.json$/, '')}.ckpt.json`),
    resume: flags.resume === true,
    cache: flags.cache,
    replay: flags.replay === true,
    repeat: flags.repeat ?? 0,
    controls: parseControls(flags),
    budget: parseBudget(flags.budget),
    graphDir: flags.graph === undefined ? undefined : resolve(flags.graph),
    baseURL: flags.baseUrl,
    quiet: flags.quiet === true,
    models: defaultRoleModels({
      task: flags.taskModel,
      backward: flags.backwardModel,
      optimizer: flags.optimizerModel,
      teacher: flags.teacherModel,
    }),
    settings: parseSettingFlags(flags),
    simSeed: flags.simSeed,
    dryRun: flags.dryRun === true,
    maxCostUsd: flags.maxCost,
    pricesFile: flags.prices === undefined ? undefined : resolve(flags.prices),
  };
}

/** `--method-config '{"epochs":1}'` or a JSON file's path -> the method's fields. */
function methodConfigFlag(value: string | undefined): Record<string, unknown> {
  if (value === undefined) return {};
  let text = value;
  if (!value.trimStart().startsWith('{')) {
    if (!existsSync(value)) throw new UsageError(`--method-config: no such file "${value}" (or give JSON)`);
    text = readFileSync(value, 'utf8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--method-config: not valid JSON (${(e as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new UsageError('--method-config must be a JSON object, e.g. \'{"epochs":1}\'');
  return parsed as Record<string, unknown>;
}

/** --timeout, --max-retries, --max-concurrency through llm's parser; a bad value is a usage error. */
function parseControls(flags: TrainFlags): TrainArgs['controls'] {
  try {
    return parseModelControlFlags({
      timeout: flags.timeout,
      maxRetries: flags.maxRetries,
      maxConcurrency: flags.maxConcurrency,
    });
  } catch (e) {
    if (e instanceof ModelControlsError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * `total.calls=2000,backward.tokens=50000` -> budget options. llm's `parseBudgetSpec` checks scopes
 * (total or a known role) and kinds, so a typo or an empty spec is a usage error, never an unenforced limit.
 */
export function parseBudget(spec: string | undefined): BudgetOptions | undefined {
  if (spec === undefined) return undefined;
  try {
    return parseBudgetSpec(spec, { where: '--budget', kinds: ['calls', 'tokens', 'usd'] });
  } catch (e) {
    if (e instanceof BudgetSpecError) throw new UsageError(e.message);
    throw e;
  }
}
