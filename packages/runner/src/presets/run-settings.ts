import { type RunConfigInput, splitRunConfig } from '../run-config';
import type { TrainArgs } from '../train/args';
import { type ResolvedSettings, readSettingsFile, resolveSettingsLayers } from './resolve';
import { deepMerge, type SettingsInput } from './settings';

const nonEmpty = (o: object): boolean => Object.keys(o).length > 0;

/**
 * A flat run config (train's trainer flags, an experiment's `config`) as a settings layer: the trainer's
 * fields (seed, concurrency, early stop) under `trainer`, the rest under `gdpo` — unless `gdpoFields` is
 * false (train with another method: its flat config holds that method's own fields, not GDPO's).
 */
export function runConfigLayer(config: RunConfigInput, gdpoFields = true): SettingsInput {
  const { methodConfig, trainer } = splitRunConfig(config);
  return {
    ...(gdpoFields && nonEmpty(methodConfig) ? { gdpo: methodConfig as SettingsInput['gdpo'] } : {}),
    ...(nonEmpty(trainer) ? { trainer } : {}),
  };
}

/** The pipeline's preset, then the config file, `--set`, and the flags (later wins). */
export async function resolveRunSettings(
  args: Pick<TrainArgs, 'pipeline' | 'method' | 'config' | 'settings'>,
): Promise<ResolvedSettings> {
  const file = args.settings.file === undefined ? undefined : await readSettingsFile(args.settings.file);
  return resolveSettingsLayers(args.pipeline, [
    file,
    args.settings.set,
    deepMerge(runConfigLayer(args.config, args.method === 'gdpo'), args.settings.flags),
  ]);
}
