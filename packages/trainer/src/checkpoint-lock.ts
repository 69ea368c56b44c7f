/**
 * One run per checkpoint. proper-lockfile (a well-kept library) makes `<checkpoint>.lock` with an atomic
 * mkdir, which works on local and network file systems alike, refreshes its mtime while the run lives,
 * and lets a later run take over a lock whose owner died (SIGKILL, power loss) once it is older than
 * `staleMs`. A plain "exists" check would either let two runs share a checkpoint or leave a killed run's
 * lock behind for ever.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { TrainerInputError } from './errors';

const DEFAULT_STALE_MS = 5000;

export interface CheckpointLockOptions {
  /** A lock not refreshed for this long belongs to a dead run and is taken over (min 2000). */
  staleMs?: number;
  log?: (line: string) => void;
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
  const where = { realpath: false, lockfilePath: lockPath, stale };
  try {
    await mkdir(dirname(checkpointPath), { recursive: true });
    // A lock its live owner keeps fresh: refuse at once (the retries below only outwait a stale one).
    if (await lockfile.check(checkpointPath, where))
      throw Object.assign(new Error('locked'), { code: 'ELOCKED' });
    return await lockfile.lock(checkpointPath, {
      ...where,
      // Keep trying a little longer than `stale`, so a lock left by a killed run is taken over.
      retries: { retries: Math.ceil(stale / 500) + 2, minTimeout: 500, maxTimeout: 500, factor: 1 },
      onCompromised: (error) =>
        options.log?.(`warning: lost the lock on ${checkpointPath} (${error.message})`),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOCKED')
      throw new TrainerInputError(
        `checkpoint ${checkpointPath} is in use by another run (lock ${lockPath}); wait for it to end or use another --checkpoint`,
      );
    throw new TrainerInputError(
      `cannot lock checkpoint ${checkpointPath} (${lockPath}): ${(error as Error).message}`,
    );
  }
}
