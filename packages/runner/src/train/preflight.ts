/**
 * Output paths checked before the first model call, so a paid run never ends in a raw EACCES or EISDIR:
 * each file is distinct from the others, is not a directory, and can be written (an existing file is
 * writable; a new one's nearest existing folder is a writable directory). The cache is checked by llm's
 * `preflightCache`. Every error is one line naming the flag and the path.
 */

import { constants, statSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ErrorKind } from '@llm-autodiff/llm';

/** A path a run cannot write: exit 2 before any model is called. */
export class OutputPathError extends Error {
  override readonly name = 'OutputPathError';
  readonly errorKind: ErrorKind = 'input';
}

export interface OutputPath {
  /** The flag it came from, e.g. '--out'. */
  flag: string;
  path: string;
  /** A file (written atomically) or a directory (files are written into it). */
  kind: 'file' | 'dir';
  /** Only checked to be distinct from the others (e.g. the cache, which llm's preflight opens). */
  distinctOnly?: boolean;
}

function statOrUndefined(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch (error) {
    // ENOTDIR: a file stands where a folder of the path should be; the ancestor walk names it.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

async function writable(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

async function checkOne({ flag, path, kind }: OutputPath): Promise<void> {
  const fail = (why: string) => new OutputPathError(`${flag} ${path}: ${why}`);
  const st = statOrUndefined(path);
  if (st) {
    if (kind === 'file' && st.isDirectory()) throw fail('is a directory, not a file');
    if (kind === 'dir' && !st.isDirectory()) throw fail('is a file, not a directory');
    if (!(await writable(path))) throw fail('is not writable');
    // Atomic writes create a temporary file beside the target: its folder must be writable too.
    if (kind === 'file' && !(await writable(dirname(path))))
      throw fail(`its folder ${dirname(path)} is not writable`);
    return;
  }
  // A new file or folder: the nearest existing ancestor must be a writable directory (we create the rest).
  let parent = dirname(path);
  for (;;) {
    const p = statOrUndefined(parent);
    if (p) {
      if (!p.isDirectory()) throw fail(`${parent} is a file, so nothing can be created under it`);
      if (!(await writable(parent))) throw fail(`its folder ${parent} is not writable`);
      return;
    }
    const up = dirname(parent);
    if (up === parent) throw fail('no existing folder above it');
    parent = up;
  }
}

/** Checks every output path; throws `OutputPathError` on the first problem. */
export async function preflightOutputs(paths: readonly OutputPath[]): Promise<void> {
  const seen = new Map<string, string>();
  for (const p of paths) {
    const abs = resolve(p.path);
    const other = seen.get(abs);
    if (other)
      throw new OutputPathError(
        `${p.flag} ${abs} is the same path as ${other}; give each output its own path`,
      );
    seen.set(abs, p.flag);
  }
  for (const p of paths) if (!p.distinctOnly) await checkOne({ ...p, path: resolve(p.path) });
}
