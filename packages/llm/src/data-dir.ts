/**
 * Where the datasets live — the one owner of this rule for every package (tasks loads them, sim looks
 * examples up in them, tests skip without them): an explicit folder, else `AUTODIFF_DATA_DIR`, else
 * `shared/datasets` beside the workspace (so a clean clone placed next to `shared/` works unchanged).
 * A folder that was asked for (explicitly or by the variable) and does not exist is an error, never a
 * silent fallback.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorKind } from './error-kind';

/** A dataset folder that was asked for does not exist, or none was found where one is required. */
export class DataDirError extends Error {
  override readonly name = 'DataDirError';
  readonly errorKind: ErrorKind = 'environment';
  constructor(
    readonly dir: string,
    /** 'the dataDir option', 'AUTODIFF_DATA_DIR' or 'the default location'. `dir` is '' when there is no default. */
    readonly origin: string,
  ) {
    const where =
      dir === ''
        ? 'no dataset directory (installed outside the llm-autodiff repository there is no default folder)'
        : `dataset directory not found: ${dir} (from ${origin})`;
    super(`${where}; set AUTODIFF_DATA_DIR to the folder holding bbh_object_counting/, trec/, hotpot_qa/`);
  }
}

let root: string | null | undefined;

/**
 * The workspace root: the nearest ancestor of this file holding `pnpm-workspace.yaml` (found once), or
 * `undefined` for packages installed from npm into a project of the user's own.
 */
export function findWorkspaceRoot(): string | undefined {
  if (root !== undefined) return root ?? undefined;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml')) && existsSync(join(dir, 'packages', 'llm'))) {
      root = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      root = null;
      return undefined;
    }
    dir = parent;
  }
}

/**
 * The default location: `shared/datasets` beside the workspace. Installed outside the workspace there is
 * none: the datasets come from `AUTODIFF_DATA_DIR` or the Hub.
 */
export function defaultDataDir(): string | undefined {
  const workspace = findWorkspaceRoot();
  return workspace === undefined ? undefined : resolve(workspace, '..', 'shared', 'datasets');
}

/**
 * The dataset folder, or `undefined` when none is configured and the default location is absent (a
 * caller may then download). `null` means "do not use local files". Throws `DataDirError` when the
 * folder given explicitly or by `AUTODIFF_DATA_DIR` does not exist.
 */
export function resolveDataDir(explicit?: string | null, env = process.env): string | undefined {
  if (explicit === null) return undefined;
  const chosen = explicit ?? env.AUTODIFF_DATA_DIR;
  if (chosen !== undefined && chosen !== '') {
    const abs = resolve(chosen);
    if (!existsSync(abs))
      throw new DataDirError(abs, explicit !== undefined ? 'the dataDir option' : 'AUTODIFF_DATA_DIR');
    return abs;
  }
  const fallback = defaultDataDir();
  return fallback !== undefined && existsSync(fallback) ? fallback : undefined;
}

/** The dataset folder; `DataDirError` when there is none (for callers that cannot work without it). */
export function requireDataDir(explicit?: string, env = process.env): string {
  const dir = resolveDataDir(explicit, env);
  if (dir === undefined) throw new DataDirError(defaultDataDir() ?? '', 'the default location');
  return dir;
}

/** The dataset folder when this machine has it, else `undefined`; never throws (tests decide to skip). */
export function findDataDir(explicit?: string, env = process.env): string | undefined {
  try {
    return resolveDataDir(explicit, env);
  } catch (error) {
    if (error instanceof DataDirError) return undefined;
    throw error;
  }
}
