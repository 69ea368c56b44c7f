/**
 * The options of `autodiff train`, each defined once (shared ones come from commands/options.ts), and the
 * generated help's per-method part: what --steps and --batch set for each registered method (its
 * factory's `flags`), and which of GDPO's own flags its config check takes.
 */
import { DEFAULT_ABLATIONS, DEFAULT_GDPO_CONFIG } from '@llm-autodiff/gdpo';
import { PIPELINE_NAMES, TASK_NAMES } from '@llm-autodiff/tasks';
import { DEFAULT_TRAINER_SETTINGS, generalFlagHelp, MAX_SEED } from '@llm-autodiff/trainer';
import type { Option } from 'commander';
import {
  type CacheFlags,
  type CostFlags,
  cacheOptions,
  choice,
  concurrencyOption,
  costOptions,
  integer,
  list,
  type ModelFlags,
  modelOptions,
  option,
  text,
} from '../commands/options';
import { methods } from '../methods';
import { SETTING_NOTE, type SettingFlags, settingOptions } from '../presets/flags';
import { PROGRAM_NOTE, type ProgramFlags, programOptions } from '../program/program-flags';

const D = { ...DEFAULT_GDPO_CONFIG, ...DEFAULT_TRAINER_SETTINGS };

/** The flags as commander parses them (camel-cased; undefined when not given: no default is filled in). */
export interface TrainFlags extends ModelFlags, CacheFlags, CostFlags, SettingFlags, ProgramFlags {
  task?: string;
  pipeline?: string;
  method?: string;
  steps?: number;
  batch?: number;
  proposals?: number;
  seed?: number;
  repeat?: number;
  strategy?: 'constrained' | 'random';
  ablation?: string[];
  demoSteps?: number;
  methodConfig?: string;
  /** A count, or with --program a data file (program-flags.ts). */
  train?: string;
  val?: string;
  test?: string;
  concurrency?: number;
  timeout?: string;
  maxRetries?: string;
  maxConcurrency?: string;
  out?: string;
  checkpoint?: string;
  resume?: boolean;
  simSeed?: number;
  graph?: string;
  budget?: string;
  quiet?: boolean;
}

/**
 * The flags that set a GDPO config field, and a value to ask a method whether its config takes it
 * (--steps and --batch are every method's: its factory says what they set).
 */
const GDPO_FIELD_FLAGS: ReadonlyArray<{ flag: string; probe: Record<string, unknown> }> = [
  { flag: '--proposals', probe: { proposalsPerStep: 1 } },
  { flag: '--strategy', probe: { strategy: 'constrained' } },
  { flag: '--ablation', probe: { ablations: {} } },
  { flag: '--demo-steps', probe: { demos: { steps: 1 } } },
];

/** Every option of `train`, in the order of the help. */
export function trainOptions(): Option[] {
  const sizes = 'use only the first N examples of a split (quick runs); with --program: a data file';
  return [
    option('--task <name>', `${TASK_NAMES.join(' | ')} (required, unless --program)`, text()),
    option('--pipeline <name>', `${PIPELINE_NAMES.join(' | ')} (default: the task's first)`, text()),
    option(
      '--method <name>',
      `${methods
        .list()
        .map((m) => m.name)
        .join(' | ')} (default gdpo; see "Methods" below)`,
      text(),
    ),
    option(
      '--steps <n>',
      `training steps (gdpo: text-optimization steps, default ${D.steps}; per method below)`,
      integer(0),
    ),
    option('--batch <n>', `examples per step (gdpo: default ${D.batchSize}; per method below)`, integer(1)),
    option('--proposals <n>', `proposals per step (default ${D.proposalsPerStep})`, integer(1)),
    option('--seed <n>', `trainer seed, 0..${MAX_SEED} (default ${D.seed})`, integer(0)),
    option(
      '--repeat <n>',
      'repeat index of this run (default 0): with the seed it salts every cache key, so a replay gets the recorded answers and another repeat samples afresh',
      integer(0),
    ),
    option(
      '--strategy <s>',
      `constrained | random (default ${D.strategy})`,
      choice(['constrained', 'random'] as const),
    ),
    option('--ablation <list>', Object.keys(DEFAULT_ABLATIONS).join(', '), list()),
    option(
      '--demo-steps <n>',
      `demo-optimization steps after the text phase (adds a few-shot slot; default ${D.demos.steps})`,
      integer(0),
    ),
    option(
      '--method-config <json|file>',
      `the method's own config fields, e.g. '{"epochs":1}' for textgrad or '{"maxMetricCalls":200}' for gepa (checked by the method; wins over the flags above)`,
      text(),
    ),
    option('--train <n>', sizes),
    option('--val <n>', sizes),
    option('--test <n>', sizes),
    concurrencyOption(
      `forward passes / evaluations in flight (default ${D.concurrency}); each model allows at least this many requests in flight unless --max-concurrency says otherwise`,
    ),
    option(
      '--timeout <t>',
      'per-attempt timeout of a model request: ms, or 500ms / 30s / 2m; 0 = none (default 120s)',
    ),
    option(
      '--max-retries <n>',
      'retries after a failed attempt (default 4); each retry prints one line on stderr',
    ),
    option(
      '--max-concurrency <n>',
      'requests in flight per model (default: max(4, --concurrency)); per model: 16,openai:gpt-4o=4 (the same for --timeout and --max-retries)',
    ),
    option('--out <file>', 'results JSON (default results/<method>-<pipeline>-seed<seed>.json)', text()),
    option('--checkpoint <file>', 'checkpoint (default: <out without .json>.ckpt.json)', text()),
    option('--resume', 'continue from the checkpoint'),
    ...cacheOptions("llm's default cache path"),
    ...modelOptions({
      task: 'default sim:task; any spec of the model registry, e.g. openai:gpt-4o-mini',
      helpers: 'default sim:large, or the task model if that is not a sim',
      teacher: 'default sim:teacher, or the task model if that is not a sim',
    }),
    option(
      '--sim-seed <n>',
      'world seed of the sim: models (default derived from --seed; recorded in the results)',
      integer(0),
    ),
    option(
      '--graph <dir>',
      "write each step's backward graph (JSON, Graphviz DOT, Mermaid) into DIR",
      text(),
    ),
    option(
      '--budget <spec>',
      'stop cleanly (checkpoint, partial result) when a limit is reached, e.g. total.calls=2000,backward.tokens=50000,total.usd=5 (scopes: total or a role; kinds: calls, tokens, usd). Counts every billed call of the run across every interruption (answered calls, billed failed attempts, calls in flight at a kill; cache hits free), kept in <checkpoint>.spend.jsonl. Overshoot: calls never; tokens and dollars at most the calls in flight when the limit was reached. usd is priced from the price table (--prices); a model it has no price for is refused before any call',
    ),
    ...costOptions(
      "print the run's estimate (calls, tokens, dollars per role) and whether it would start; no call, no API key needed",
    ),
    option('--quiet', 'no per-step lines'),
    ...programOptions(),
    ...settingOptions(),
  ];
}

/** Whether `method`'s config check accepts `probe` (a field a general flag sets). */
function takes(method: string, probe: Record<string, unknown>): boolean {
  try {
    methods.get(method).resolveConfig(probe);
    return true;
  } catch {
    return false;
  }
}

/** The per-method part of `train --help`, from the method registry. */
function methodsHelp(): string {
  const lines = ['Methods (--method), what --steps and --batch set for each, and the GDPO flags it takes:'];
  const all = methods.list();
  const width = Math.max(...all.map((m) => m.name.length)) + 2;
  const indent = ' '.repeat(width + 2);
  for (const m of all) {
    lines.push(`  ${m.name.padEnd(width)}${m.description} (tunes ${m.tunes.join(', ') || 'nothing'})`);
    for (const line of generalFlagHelp(m)) lines.push(`${indent}${line}`);
    const taken = GDPO_FIELD_FLAGS.filter((g) => takes(m.name, g.probe)).map((g) => g.flag);
    if (taken.length > 0) lines.push(`${indent}also takes: ${taken.join(' ')}`);
  }
  lines.push(
    `  Every method takes --seed, --concurrency, --method-config and the run flags (splits, models, cache, budget, files); --budget applies to every method alike.`,
    `  Each method's own config fields (--method-config): values, defaults and what they do: autodiff methods [name]`,
  );
  return lines.join('\n');
}

/** Text after the options in `train --help`. */
export function trainHelpAfter(exitCodes: string): string {
  return `\n${methodsHelp()}\n\n${PROGRAM_NOTE}\n${SETTING_NOTE}\n\n${exitCodes}`;
}
