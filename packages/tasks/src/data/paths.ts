import { join } from 'node:path';
import { DataDirError, resolveDataDir as locateDataDir, workspaceRoot } from '@llm-autodiff/llm';
import { DatasetError } from './errors';

/** The workspace root (the rule lives in llm's data-dir module, shared with sim). */
export const REPO_ROOT = workspaceRoot();

/** The repo's dataset cache (hub downloads, BM25 indexes); ignored by git and Biome. */
export function defaultCacheDir(): string {
  return join(REPO_ROOT, 'datasets');
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
