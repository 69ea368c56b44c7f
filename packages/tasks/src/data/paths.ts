import { join } from 'node:path';
import {
  cacheHome,
  DataDirError,
  findWorkspaceRoot,
  resolveDataDir as locateDataDir,
} from '@llm-autodiff/llm';
import { DatasetError } from './errors';

/**
 * Where Hub downloads and BM25 indexes are cached: the workspace's `datasets/` (ignored by git and
 * Biome), or, for packages installed into a project of your own, `datasets/` in the tool's cache folder
 * (`AUTODIFF_CACHE_DIR`, else `$XDG_CACHE_HOME/llm-autodiff`, else `~/.cache/llm-autodiff`).
 */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const workspace = findWorkspaceRoot();
  return workspace === undefined ? join(cacheHome(env), 'datasets') : join(workspace, 'datasets');
}

/**
 * The offline dataset folder (llm's `resolveDataDir`: an explicit option, else `AUTODIFF_DATA_DIR`, else
 * `../shared/datasets` beside the workspace). `undefined` means "not available locally" (the hub is
 * next); `null` disables local files. A folder asked for that does not exist is a `DatasetError`.
 */
export function resolveDataDir(explicit?: string | null): string | undefined {
  try {
    return locateDataDir(explicit);
  } catch (error) {
    if (!(error instanceof DataDirError)) throw error;
    throw new DatasetError(
      error.dir,
      undefined,
      undefined,
      `dataset folder (from ${error.origin}) does not exist`,
    );
  }
}
