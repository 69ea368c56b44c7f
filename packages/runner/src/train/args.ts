/**
 * Flags of `autodiff train`: one task and pipeline, the trainer configuration, the splits' sizes, the
 * files, and the model specs of each role.
 */

import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Ablations, DEFAULT_ABLATIONS, DEFAULT_GDPO_CONFIG } from '@llm-autodiff/gdpo';
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
import {
  DEFAULT_TRAINER_SETTINGS,
  generalFlagFields,
  generalFlagHelp,
  MAX_SEED,
} from '@llm-autodiff/trainer';
import { parseFlags } from '../flags';
import { methods } from '../methods';
import { defaultRoleModels, type RoleModels } from '../model-defaults';
import type { SplitSizes } from '../pipeline-setup';
import { parseSettingFlags, SETTING_FLAGS, SETTING_USAGE, type SettingArgs } from '../presets/flags';
import { PROGRAM_USAGE } from '../program/program-flags';
import { checkMethodConfig, type RunConfigInput, splitRunConfig } from '../run-config';
import { UsageError } from '../usage-error';

const D = { ...DEFAULT_GDPO_CONFIG, ...DEFAULT_TRAINER_SETTINGS };

export const TRAIN_USAGE = `Usage: autodiff train --task <${TASK_NAMES.join('|')}> [options]
  --pipeline <${PIPELINE_NAMES.join('|')}>   default: the task's first pipeline
  --method M           ${methods
    .list()
    .map((m) => m.name)
    .join(' | ')} (default gdpo)
  --steps N            training steps (gdpo: text-optimization steps, default ${D.steps}; per method below)
  --batch N            examples per step (gdpo: default ${D.batchSize}; per method below)
  --proposals N        proposals per step (default ${D.proposalsPerStep})
  --seed N             trainer seed, 0..${MAX_SEED} (default ${D.seed})
  --repeat N           repeat index of this run (default 0): with the seed it salts every cache key, so a
                       replay gets the recorded answers and another repeat samples afresh
  --strategy S         constrained | random (default ${D.strategy})
  --ablation A[,B]     ${Object.keys(DEFAULT_ABLATIONS).join(', ')}
  --demo-steps N       demo-optimization steps after the text phase (adds a few-shot slot; default ${D.demos.steps})
  --method-config JSON|FILE   the method's own config fields, e.g. '{"epochs":1}' for textgrad or
                       '{"maxMetricCalls":200}' for gepa (checked by the method; wins over the flags above)
  --train N / --val N / --test N   use only the first N examples of a split (quick runs)
  --concurrency N      forward passes / evaluations in flight (default ${D.concurrency}); each model allows
                       at least this many requests in flight unless --max-concurrency says otherwise
  --timeout T          per-attempt timeout of a model request: ms, or 500ms / 30s / 2m; 0 = none (default 120s)
  --max-retries N      retries after a failed attempt (default 4); each retry prints one line on stderr
  --max-concurrency N  requests in flight per model (default: max(4, --concurrency)); per model:
                       16,openai:gpt-4o=4 (the same for --timeout and --max-retries)
  --out FILE           results JSON (default results/<method>-<pipeline>-seed<seed>.json)
  --checkpoint FILE    checkpoint (default: <out without .json>.ckpt.json)
  --resume             continue from the checkpoint
  --cache FILE|off     response cache (default: llm's default cache path); every call is cached
  --replay             open the cache read-only: no request leaves the machine; a miss is an error
  --task-model SPEC    default sim:task (any spec of the model registry, e.g. openai:gpt-4o-mini)
  --backward-model SPEC / --optimizer-model SPEC   default sim:large, or the task model if that is not a sim
  --teacher-model SPEC default sim:teacher, or the task model if that is not a sim
  --base-url URL       OpenAI-compatible server for openai: specs that name none (else OPENAI_BASE_URL)
  --sim-seed N         world seed of the sim: models (default derived from --seed; recorded in the results)
  --graph DIR          write each step's backward graph (JSON, Graphviz DOT, Mermaid) into DIR
  --budget SPEC        stop cleanly (checkpoint, partial result) when a limit is reached, e.g.
                       total.calls=2000,backward.tokens=50000 (scopes: total or a role; kinds: calls, tokens)
  --quiet              no per-step lines
What --steps and --batch set for each method (--budget applies to every method alike):
${methods
  .list()
  .map((m) => `  ${m.name.padEnd(10)} ${generalFlagHelp(m).join('; ')}`)
  .join('\n')}
${PROGRAM_USAGE}
${SETTING_USAGE}
Exit codes: 0 done; 1 the run failed (model error after retries, replay cache miss, missing dataset,
unknown model provider); 2 bad input found before any call (flags, output paths, cache file, checkpoint,
manifest, lock); 3 a --budget was reached (partial result, resumable checkpoint); 130 / 143 stopped by
SIGINT / SIGTERM (partial result, resumable checkpoint; a second Ctrl-C exits at once).`;

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
}

/** Flags that set a trainer option: on resume they must agree with the checkpoint's config. */
const CONFIG_FLAGS = [
  '--steps',
  '--batch',
  '--proposals',
  '--seed',
  '--strategy',
  '--ablation',
  '--demo-steps',
  '--concurrency',
  '--method-config',
  ...SETTING_FLAGS,
];

const SWITCHES: ReadonlySet<string> = new Set(['--resume', '--quiet', '--help', '--replay']);
/** Every flag, keyed by itself (parseFlags maps a flag to a key). */
const KNOWN: Readonly<Record<string, string>> = Object.fromEntries(
  [
    ...CONFIG_FLAGS,
    ...SWITCHES,
    '--task',
    '--pipeline',
    '--method',
    '--train',
    '--val',
    '--test',
    '--out',
    '--checkpoint',
    '--cache',
    '--task-model',
    '--backward-model',
    '--optimizer-model',
    '--teacher-model',
    '--budget',
    '--graph',
    '--base-url',
    '--repeat',
    '--timeout',
    '--max-retries',
    '--max-concurrency',
    '--sim-seed',
  ].map((f) => [f, f]),
);

/** Parses `autodiff train` flags; a mistake throws `UsageError` with a message naming the flag. */
export function parseTrainArgs(argv: readonly string[]): TrainArgs {
  const flags = parseFlags(argv, KNOWN, SWITCHES);
  if (flags.has('--help')) throw new UsageError('');
  const int = (flag: string, min: number): number | undefined => {
    const v = flags.get(flag);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || Number(v) < min)
      throw new UsageError(`${flag} must be an integer >= ${min}, got "${v}"`);
    return Number(v);
  };
  const taskName = flags.get('--task');
  if (!taskName) throw new UsageError('--task is required');
  const custom = customPipeline(taskName) !== undefined; // registered by --program (or registerPipeline)
  if (!custom && !(TASK_NAMES as string[]).includes(taskName))
    throw new UsageError(`unknown task "${taskName}"; expected one of ${TASK_NAMES.join(', ')}`);
  const task = taskName as TaskName;
  const pipelineName = flags.get('--pipeline') ?? DEFAULT_PIPELINE[task];
  if (!custom && !(PIPELINE_NAMES as string[]).includes(pipelineName)) {
    throw new UsageError(`unknown pipeline "${pipelineName}"; expected one of ${PIPELINE_NAMES.join(', ')}`);
  }
  const pipeline = pipelineName as PipelineName;
  const method = flags.get('--method') ?? 'gdpo';
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
  for (const name of (flags.get('--ablation') ?? '').split(',').filter(Boolean)) {
    if (!(name in DEFAULT_ABLATIONS))
      throw new UsageError(
        `unknown ablation "${name}"; expected one of ${Object.keys(DEFAULT_ABLATIONS).join(', ')}`,
      );
    ablations[name as keyof Ablations] = true;
  }
  const strategy = flags.get('--strategy') ?? D.strategy;
  if (strategy !== 'constrained' && strategy !== 'random')
    throw new UsageError(`--strategy must be constrained or random, got "${strategy}"`);
  // Only what a flag set: another method may not know GDPO's fields (its defaults fill the rest).
  const config: RunConfigInput = {};
  if (flags.has('--strategy')) config.strategy = strategy;
  if (Object.keys(ablations).length > 0) config.ablations = ablations;
  const set = <K extends keyof RunConfigInput>(key: K, v: RunConfigInput[K] | undefined) => {
    if (v !== undefined) config[key] = v;
  };
  // What --steps and --batch set is the method's to say (or it refuses them, naming its own field).
  Object.assign(
    config,
    generalFlagFields(methods.get(method), { steps: int('--steps', 0), batch: int('--batch', 1) }),
  );
  set('proposalsPerStep', int('--proposals', 1));
  set('seed', int('--seed', 0));
  set('concurrency', int('--concurrency', 1));
  const demoSteps = int('--demo-steps', 0);
  if (demoSteps) config.demos = { steps: demoSteps };
  if (config.seed !== undefined && config.seed > MAX_SEED)
    throw new UsageError(
      `--seed must be at most ${MAX_SEED} (2^32 - 1: larger seeds would collide with smaller ones), got ${config.seed}`,
    );
  Object.assign(config, methodConfigFlag(flags.get('--method-config')));
  // The method's factory checks its own fields (a TrainerInputError: one line naming method and field).
  checkMethodConfig(method, splitRunConfig(config).methodConfig);
  const seed = config.seed ?? D.seed;
  const cache = flags.get('--cache');
  if (cache !== undefined && cache.trim() === '')
    throw new UsageError('--cache needs a file (or off); got an empty path');
  const replay = flags.has('--replay');
  if (replay && cache === 'off')
    throw new UsageError('--replay reads the cache; it cannot be used with --cache off');
  const out = resolve(flags.get('--out') ?? `results/${method}-${pipeline}-seed${seed}.json`);
  return {
    task,
    pipeline,
    method,
    config,
    configGiven: CONFIG_FLAGS.some((f) => flags.has(f)),
    limits: { train: int('--train', 1), val: int('--val', 1), test: int('--test', 1) },
    out,
    checkpoint: resolve(flags.get('--checkpoint') ?? `${out.replace(/\.json$/, '')}.ckpt.json`),
    resume: flags.has('--resume'),
    cache,
    replay,
    repeat: int('--repeat', 0) ?? 0,
    controls: parseControls(flags),
    budget: parseBudget(flags.get('--budget')),
    graphDir: flags.has('--graph') ? resolve(flags.get('--graph') as string) : undefined,
    baseURL: flags.get('--base-url'),
    quiet: flags.has('--quiet'),
    models: modelSpecs(flags),
    settings: parseSettingFlags(flags),
    simSeed: int('--sim-seed', 0),
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

function modelSpecs(flags: ReadonlyMap<string, string>): TrainArgs['models'] {
  return defaultRoleModels({
    task: flags.get('--task-model'),
    backward: flags.get('--backward-model'),
    optimizer: flags.get('--optimizer-model'),
    teacher: flags.get('--teacher-model'),
  });
}

/** --timeout, --max-retries, --max-concurrency through llm's parser; a bad value is a usage error. */
function parseControls(flags: ReadonlyMap<string, string>): TrainArgs['controls'] {
  try {
    return parseModelControlFlags({
      timeout: flags.get('--timeout'),
      maxRetries: flags.get('--max-retries'),
      maxConcurrency: flags.get('--max-concurrency'),
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
    return parseBudgetSpec(spec, { where: '--budget' });
  } catch (e) {
    if (e instanceof BudgetSpecError) throw new UsageError(e.message);
    throw e;
  }
}
