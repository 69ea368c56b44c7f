import { dirname, join } from 'node:path';
import { defaultCachePath } from '@llm-autodiff/llm';

/**
 * Each experiment replays from its own cache file beside the default cache (`experiments/<name>.sqlite`),
 * so `cache prune --experiment` and `cache export --experiment` work on exactly its calls.
 */
export function experimentCachePath(experiment: string, env = process.env): string {
  return join(experimentCacheDir(env), `${experiment}.sqlite`);
}

/** The folder of the experiments' cache files. */
export function experimentCacheDir(env = process.env): string {
  return join(dirname(defaultCachePath(env)), 'experiments');
}
