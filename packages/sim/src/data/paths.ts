import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The repository root: the nearest ancestor of this file holding `pnpm-workspace.yaml` (found once). */
function repoRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) {
      root = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('sim: cannot find the repository root (no pnpm-workspace.yaml above packages/sim)');
    dir = parent;
  }
}

/**
 * Where the datasets live: an explicit directory, else `AUTODIFF_DATA_DIR`, else `shared/datasets`
 * beside the repository (so a clean clone placed next to `shared/` works unchanged).
 */
export function resolveDataDir(explicit?: string): string {
  const dir = explicit ?? process.env.AUTODIFF_DATA_DIR ?? resolve(repoRoot(), '..', 'shared', 'datasets');
  if (!existsSync(dir)) {
    throw new Error(
      `sim: dataset directory not found: ${dir} (set AUTODIFF_DATA_DIR to the folder holding bbh_object_counting/, trec/, hotpot_qa/)`,
    );
  }
  return dir;
}

/** The dataset directory when this machine has it, else `undefined` (for callers that can do without). */
export function findDataDir(explicit?: string): string | undefined {
  try {
    return resolveDataDir(explicit);
  } catch {
    return undefined;
  }
}

/** Why tests that need the real data are skipped. */
export const NO_DATA_MESSAGE =
  'shared/datasets not found (set AUTODIFF_DATA_DIR): skipping tests on the real data';
