/**
 * One run per checkpoint. proper-lockfile (a well-kept library) makes `<checkpoint>.lock` with an atomic
 * mkdir, which works on local and network file systems alike, refreshes its mtime while the run lives,
 * and lets a later run take over a lock whose owner died (SIGKILL, power loss) once it is older than
 * `staleMs`. A plain "exists" check would either let two runs share a checkpoint or leave a killed run's
 * lock behind for ever.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { FileWriteError } from '@llm-autodiff/llm';
import lockfile from 'proper-lockfile';
import { TrainerInputError } from './errors';

const DEFAULT_STALE_MS = 5000;

export interface CheckpointLockOptions {
  /** A lock not refreshed for this long belongs to a dead run and is taken over (min 2000). */
  staleMs?: number;
  log?: (line: string) => void;
}

/** The owner of a lock, written beside it, so a lock left by a killed process on this host is freed at once. */
interface LockOwner {
  pid: number;
  host: string;
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const o = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? { pid: o.pid, host: o.host } : undefined;
  } catch {
    return undefined;
  }
}

/** True when the owner is a process of this host that no longer exists (e.g. it was SIGKILLed). */
function ownerIsGone(owner: LockOwner | undefined): boolean {
  if (!owner || owner.host !== hostname() || owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Locks `checkpointPath` for this run; resolves to the release function. A lock held by a live run is a
 * `TrainerInputError`; a stale one (its run was killed) is waited for and taken over.
 */
export async function lockCheckpoint(
  checkpointPath: string,
  options: CheckpointLockOptions = {},
): Promise<() => Promise<void>> {
  const stale = Math.max(options.staleMs ?? DEFAULT_STALE_MS, 2000);
  const lockPath = `${checkpointPath}.lock`;
  const ownerPath = `${lockPath}.owner`;
  const where = { realpath: false, lockfilePath: lockPath, stale };
  try {
    await mkdir(dirname(checkpointPath), { recursive: true });
    if (await lockfile.check(checkpointPath, where)) {
      const owner = await readOwner(ownerPath);
      // A fresh lock whose owner died on this host (SIGKILL) is freed now rather than after `stale`.
      if (ownerIsGone(owner)) await rm(lockPath, { recursive: true, force: true });
      // A lock its known, live owner keeps fresh: refuse at once. An owner not yet written (killed right
      // after locking) is outwaited by the retries below, which take the lock once it goes stale.
      else if (owner) throw Object.assign(new Error('locked'), { code: 'ELOCKED' });
    }
    const release = await lockfile.lock(checkpointPath, {
      ...where,
      // Keep trying a little longer than `stale`, so a lock left by a killed run is taken over.
      retries: { retries: Math.ceil(stale / 500) + 2, minTimeout: 500, maxTimeout: 500, factor: 1 },
      onCompromised: (error) =>
        options.log?.(`warning: lost the lock on ${checkpointPath} (${error.message})`),
    });
    try {
      await writeFile(ownerPath, JSON.stringify({ pid: process.pid, host: hostname() }));
    } catch (error) {
      await rm(ownerPath, { force: true });
      await release();
      throw new FileWriteError(ownerPath, error);
    }
    return async () => {
      await rm(ownerPath, { force: true });
      await release();
    };
  } catch (error) {
    if (error instanceof FileWriteError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    // A full disk is a write failure (exit 4 from the command line), not a bad input.
    if (code === 'ENOSPC') throw new FileWriteError(lockPath, error);
    if (code === 'ELOCKED')
      throw new TrainerInputError(
        `checkpoint ${checkpointPath} is in use by another run (lock ${lockPath}); wait for it to end or use another --checkpoint`,
      );
    throw new TrainerInputError(
      `cannot lock checkpoint ${checkpointPath} (${lockPath}): ${(error as Error).message}`,
    );
  }
}
