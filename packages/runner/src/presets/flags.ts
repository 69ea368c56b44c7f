/**
 * The `autodiff train` flags that reach the run's settings besides the trainer flags of args.ts: a config
 * file, `--set`, and one flag per reference switch (see deviations.ts).
 */
import type { Option } from 'commander';
import { choice, integer, option, text } from '../commands/options';
import { parseSetFlag } from './resolve';
import type { SettingsInput } from './settings';

export function settingOptions(): Option[] {
  return [
    option(
      '--config <file>',
      'settings (JSON or YAML; any part of the preset: gdpo, trainer, pipeline, models)',
      text(),
    ),
    option('--set <path=v,...>', 'one setting, e.g. gdpo.historySize=5,models.task.temperature=0.2', text()),
    option(
      '--history <n>',
      "past prompts shown to the optimizer (preset: the reference script's 2, 3 or 5)",
      integer(0),
    ),
    option(
      '--failed-rendering <mode>',
      "failed proposals: method+reasoning (reference, the presets' default) or also value+score (full)",
      choice(['reference', 'full'] as const),
    ),
    option(
      '--on-parse-failure <mode>',
      'unparseable optimizer answer: keep the old value (keep, default) or take it raw (raw, reference)',
      choice(['keep', 'raw'] as const),
    ),
    option(
      '--accounting <rule>',
      "backward-engine calls: the paper's rule (paper, default) or the reference code's (reference)",
      choice(['paper', 'reference'] as const),
    ),
    option(
      '--parser <which>',
      'ObjectCount answer parser (ours, default; or reference)',
      choice(['ours', 'reference'] as const),
    ),
  ];
}

export const SETTING_NOTE =
  "Every run starts from its pipeline's preset (the reference's scripts); --config, --set and the switches above lay over it; results record it.";

/** The setting flags as commander parses them. */
export interface SettingFlags {
  config?: string;
  set?: string;
  history?: number;
  failedRendering?: 'reference' | 'full';
  onParseFailure?: 'keep' | 'raw';
  accounting?: 'paper' | 'reference';
  parser?: 'ours' | 'reference';
}

/** Whether any setting flag was given (on resume they must agree with the checkpoint's config). */
export function settingFlagsGiven(f: SettingFlags): boolean {
  return (
    [f.config, f.set, f.history, f.failedRendering, f.onParseFailure, f.accounting, f.parser] as unknown[]
  ).some((v) => v !== undefined);
}

export interface SettingArgs {
  /** Path of a config file, if given (read by the command). */
  file?: string;
  set?: SettingsInput;
  flags: SettingsInput;
}

export function parseSettingFlags(f: SettingFlags): SettingArgs {
  const gdpo: NonNullable<SettingsInput['gdpo']> = {};
  if (f.history !== undefined) gdpo.historySize = f.history;
  if (f.failedRendering) gdpo.failedRendering = f.failedRendering;
  if (f.onParseFailure) gdpo.onParseFailure = f.onParseFailure;
  if (f.accounting) gdpo.backwardAccounting = f.accounting;
  return {
    file: f.config,
    set: f.set === undefined ? undefined : parseSetFlag(f.set),
    flags: {
      ...(Object.keys(gdpo).length > 0 ? { gdpo } : {}),
      ...(f.parser ? { pipeline: { objectCountParser: f.parser } } : {}),
    },
  };
}
