/**
 * The `autodiff train` flags that reach the run's settings besides the trainer flags of args.ts: a config
 * file, `--set`, and one flag per reference switch (see deviations.ts).
 */
import { UsageError } from '../usage-error';
import { parseSetFlag } from './resolve';
import type { SettingsInput } from './settings';

export const SETTING_FLAGS = [
  '--config',
  '--set',
  '--history',
  '--failed-rendering',
  '--on-parse-failure',
  '--accounting',
  '--parser',
] as const;

export const SETTING_USAGE = `  --config FILE        settings (JSON or YAML; any part of the preset: gdpo, trainer, pipeline, models)
  --set PATH=V[,...]   one setting, e.g. gdpo.historySize=5,models.task.temperature=0.2
  --history N          past prompts shown to the optimizer (preset: the reference script's 2, 3 or 5)
  --failed-rendering reference|full   failed proposals: method+reasoning (reference, the presets' default) or also value+score
  --on-parse-failure keep|raw          unparseable optimizer answer: keep the old value (default) or take it raw (reference)
  --accounting paper|reference         backward-engine calls: the paper's rule (default) or the reference code's
  --parser ours|reference              ObjectCount answer parser (default ours)
  (Every run starts from its pipeline's preset (the reference's scripts); results record it.)`;

export interface SettingArgs {
  /** Path of a config file, if given (read by the command). */
  file?: string;
  set?: SettingsInput;
  flags: SettingsInput;
}

function choice<T extends string>(
  flags: ReadonlyMap<string, string>,
  flag: string,
  allowed: readonly T[],
): T | undefined {
  const v = flags.get(flag);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v))
    throw new UsageError(`${flag} must be ${allowed.join(' or ')}, got "${v}"`);
  return v as T;
}

export function parseSettingFlags(flags: ReadonlyMap<string, string>): SettingArgs {
  const gdpo: NonNullable<SettingsInput['gdpo']> = {};
  const history = flags.get('--history');
  if (history !== undefined) {
    if (!/^\d+$/.test(history)) throw new UsageError(`--history must be an integer >= 0, got "${history}"`);
    gdpo.historySize = Number(history);
  }
  const failed = choice(flags, '--failed-rendering', ['reference', 'full'] as const);
  if (failed) gdpo.failedRendering = failed;
  const parseFailure = choice(flags, '--on-parse-failure', ['keep', 'raw'] as const);
  if (parseFailure) gdpo.onParseFailure = parseFailure;
  const accounting = choice(flags, '--accounting', ['paper', 'reference'] as const);
  if (accounting) gdpo.backwardAccounting = accounting;
  const parser = choice(flags, '--parser', ['ours', 'reference'] as const);
  const set = flags.get('--set');
  return {
    file: flags.get('--config'),
    set: set === undefined ? undefined : parseSetFlag(set),
    flags: {
      ...(Object.keys(gdpo).length > 0 ? { gdpo } : {}),
      ...(parser ? { pipeline: { objectCountParser: parser } } : {}),
    },
  };
}
