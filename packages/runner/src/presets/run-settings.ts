import type { TrainArgs } from '../train/args';
import { deepMerge, type ResolvedSettings, readSettingsFile, resolveSettings } from './resolve';
import type { SettingsInput } from './settings';

/** The trainer flags of args.ts (a flat GDPO config plus seed and concurrency) as a settings layer. */
export function trainerFlagLayer(config: TrainArgs['config']): SettingsInput {
  const { seed, concurrency, ...gdpo } = config;
  const trainer = Object.fromEntries(
    Object.entries({ seed, concurrency }).filter(([, v]) => v !== undefined),
  );
  return {
    ...(Object.keys(gdpo).length > 0 ? { gdpo: gdpo as SettingsInput['gdpo'] } : {}),
    ...(Object.keys(trainer).length > 0 ? { trainer } : {}),
  };
}

/** The pipeline's preset, then the config file, `--set`, and the flags (later wins). */
export async function resolveRunSettings(
  args: Pick<TrainArgs, 'pipeline' | 'config' | 'settings'>,
): Promise<ResolvedSettings> {
  const file = args.settings.file === undefined ? undefined : await readSettingsFile(args.settings.file);
  return resolveSettings(args.pipeline, {
    file,
    set: args.settings.set,
    flags: deepMerge(trainerFlagLayer(args.config), args.settings.flags),
  });
}
