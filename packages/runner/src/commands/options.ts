/**
 * Every option that more than one command takes, defined once (name, value syntax, check, help line),
 * and the value parsers every command uses. A bad value is a `UsageError` naming the flag:
 * `--steps must be an integer >= 0, got "x"` (one line, exit 2). This file stays light: the CLI loads it
 * before it knows which command runs.
 */
import { Command, CommanderError, Option } from 'commander';
import { UsageError } from '../usage-error';

/** A value parser for `flag`: returns the parsed value or throws a UsageError naming the flag. */
export type FlagParser<T> = (flag: string) => (value: string) => T;

/** An integer >= `min` (and <= `max` when given). */
export function integer(min: number, max?: number): FlagParser<number> {
  return (flag) => (value) => {
    const negative = min < 0 && value.startsWith('-');
    const digits = negative ? value.slice(1) : value;
    const n = Number(value);
    if (!/^\d+$/.test(digits) || n < min)
      throw new UsageError(`${flag} must be an integer >= ${min}, got "${value}"`);
    if (max !== undefined && n > max)
      throw new UsageError(`${flag} must be an integer <= ${max}, got "${value}"`);
    return n;
  };
}

/** What `--dry-run`, `--max-cost` and `--prices` give a command (repro, ablate, train). */
export interface CostFlags {
  dryRun?: boolean;
  maxCost: number;
  prices?: string;
}

/** `--dry-run` (its help says what the command's dry run shows), `--max-cost` and `--prices`. */
export function costOptions(dryRun: string): Option[] {
  return [
    option('--dry-run', dryRun),
    option(
      '--max-cost <usd>',
      'refuse to start when the estimate on paid endpoints exceeds this (default 10)',
      number({ min: 0 }, 'a number >= 0'),
    ).default(10),
    option(
      '--prices <file>',
      'JSON price table (USD per 1M tokens) instead of the built-in list prices (estimates, usd budgets)',
      text(),
    ),
  ];
}

/** A finite number within [min, max] (`max` exclusive when `below` is set), e.g. dollars, rates. */
export function number(
  range: { min: number; max?: number; below?: number },
  what: string,
): FlagParser<number> {
  return (flag) => (value) => {
    const n = Number(value);
    const ok =
      value.trim() !== '' &&
      Number.isFinite(n) &&
      n >= range.min &&
      (range.max === undefined || n <= range.max) &&
      (range.below === undefined || n < range.below);
    if (!ok) throw new UsageError(`${flag} must be ${what}, got "${value}"`);
    return n;
  };
}

/** One of `allowed`. */
export function choice<T extends string>(allowed: readonly T[]): FlagParser<T> {
  return (flag) => (value) => {
    if (!(allowed as readonly string[]).includes(value))
      throw new UsageError(`${flag} must be ${allowed.join(' or ')}, got "${value}"`);
    return value as T;
  };
}

/** A comma-separated list; an empty item (`a,,b`, a trailing comma) is refused. */
export function list(): FlagParser<string[]> {
  return (flag) => (value) => listItems(flag, value);
}

/** The items of a comma-separated value, trimmed; an empty item is an error (also for values parsed later). */
export function listItems(flag: string, value: string): string[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === ''))
    throw new UsageError(`${flag} has an empty item in "${value}" (give a,b without empty entries)`);
  return items;
}

/** A non-empty string (a path, a spec); `what` names it in the message. */
export function text(what = 'a value'): FlagParser<string> {
  return (flag) => (value) => {
    if (value.trim() === '') throw new UsageError(`${flag} needs ${what}; got an empty string`);
    return value;
  };
}

/** `--name <value>` with its help line and parser; `flags` as commander spells them (`--steps <n>`). */
export function option<T>(flags: string, description: string, parse?: FlagParser<T>): Option {
  const o = new Option(flags, description);
  return parse ? o.argParser(parse(o.long ?? flags)) : o;
}

/** Adds options in order. */
export function addOptions(command: Command, options: readonly Option[]): Command {
  for (const o of options) command.addOption(o);
  return command;
}

/**
 * `args` parsed against `options` as the command `name` would parse them, without the CLI (for callers
 * such as tests): the flags' values, or a UsageError with commander's message.
 */
export function parseFlags<Flags extends object>(
  name: string,
  options: readonly Option[],
  args: readonly string[],
): Flags {
  const command = addOptions(new Command(name), options)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
  try {
    command.parse([...args], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) throw new UsageError(e.message.replace(/^error: /, ''));
    throw e;
  }
  return command.opts<Flags>();
}

/** The model spec of each role, and the server for openai: specs (train, repro, ablate). */
export const modelOptions = (defaults: { task: string; helpers: string; teacher: string }): Option[] => [
  option('--task-model <spec>', `task model (${defaults.task})`, text()),
  option('--backward-model <spec>', `backward engine (${defaults.helpers})`, text()),
  option('--optimizer-model <spec>', `optimizer (${defaults.helpers})`, text()),
  option('--teacher-model <spec>', `teacher (${defaults.teacher})`, text()),
  option(
    '--base-url <url>',
    'OpenAI-compatible server for openai: specs that name none (else OPENAI_BASE_URL)',
    text(),
  ),
];

/** The role models' flags as a record (the option names above, camel-cased by commander). */
export interface ModelFlags {
  taskModel?: string;
  backwardModel?: string;
  optimizerModel?: string;
  teacherModel?: string;
  baseUrl?: string;
}

/** The response cache and the offline replay of it (train, repro, ablate). */
export const cacheOptions = (defaultCache: string): Option[] => [
  option(
    '--cache <file|off>',
    `response cache (default: ${defaultCache}); every call is cached`,
    text('a file (or off)'),
  ),
  option(
    '--replay',
    'read the cache only (offline): no request leaves the machine; the first call it does not hold stops the work with one line, exit 1',
  ),
];

export interface CacheFlags {
  cache?: string;
  replay?: boolean;
}

/** `--replay` needs a cache. */
export function checkCacheFlags(flags: CacheFlags): void {
  if (flags.replay && flags.cache === 'off')
    throw new UsageError('--replay reads the cache; it cannot be used with --cache off');
}

/** Work in flight at once (what is counted differs: forward passes for train, runs for a sweep). */
export const concurrencyOption = (description: string): Option =>
  option('--concurrency <n>', description, integer(1));

/** The results root of the commands that read or write an experiment folder. */
export const resultsOption = (): Option =>
  option('--results <dir>', 'results root', text()).default('results');

/** A seed (train's trainer seed, the sim server's world seed): an integer in [min, max]. */
export const seedOption = (description: string, min: number, max?: number): Option =>
  option('--seed <n>', description, integer(min, max));
