import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatasetError } from './errors';

/**
 * The monorepo root, found from this file's own location (packages/tasks/src/data), so a clean clone
 * placed beside `shared/` finds its datasets without configuration.
 */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The repo's dataset cache (hub downloads, BM25 indexes); ignored by git and Biome. */
export function defaultCacheDir(): string {
  return join(REPO_ROOT, 'datasets');
}

/**
 * The offline dataset folder: an explicit option, else `AUTODIFF_DATA_DIR`, else the repo's sibling
 * `../shared/datasets` when it exists. `undefined` means "not available locally" (the hub is next).
 * An explicit folder or environment value that does not exist is an error, not a silent fallback;
 * an explicit `null` disables local files.
 */
export function resolveDataDir(explicit?: string | null): string | undefined {
  // `null` means "do not use local files" (e.g. to force the Hub path).
  if (explicit === null) return undefined;
  const chosen = explicit ?? process.env.AUTODIFF_DATA_DIR;
  if (chosen !== undefined && chosen !== '') {
    const abs = resolve(chosen);
    if (!existsSync(abs)) {
      const origin = explicit !== undefined ? 'the dataDir option' : 'AUTODIFF_DATA_DIR';
      throw new DatasetError(abs, undefined, undefined, `dataset folder (from ${origin}) does not exist`);
    }
    return abs;
  }
  const sibling = resolve(REPO_ROOT, '..', 'shared', 'datasets');
  return existsSync(sibling) ? sibling : undefined;
}
