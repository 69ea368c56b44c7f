/**
 * Atomic, durable file writes: the text goes to a temporary file in the same directory, is flushed to
 * disk (fsync), then a rename replaces the target and the directory entry is flushed too. A process
 * killed mid-write leaves the previous file intact, and a machine that loses power after the rename
 * never finds an empty or partial file under the final name, so a reader (a resume, a report, a cache
 * lookup) never sees half a file. The one owner of this helper in the workspace.
 */
import { close, fsync, openSync, rmSync, writeFile } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { ErrorKind } from './error-kind';

let counter = 0;
/** Temporary files being written by this process: removed if it exits mid-write (e.g. a second Ctrl-C). */
const inFlight = new Set<string>();
let exitHookInstalled = false;

function track(tmp: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const path of inFlight) rmSync(path, { force: true });
    });
  }
  inFlight.add(tmp);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporary files of `path` left by a process that was killed mid-write (SIGKILL, power loss). */
async function sweepOrphans(path: string): Promise<void> {
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid))
      await rm(join(dirname(path), name), { force: true });
  }
}

/** A file could not be written (full disk, lost permission...): the message names the file. */
export class FileWriteError extends Error {
  override readonly name = 'FileWriteError';
  readonly errorKind: ErrorKind = 'write';
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`cannot write ${path}: ${writeFailure(cause)}`, { cause });
  }
}

/** Why a write failed, in words ('no space left on the device' for ENOSPC, else the system's message). */
export function writeFailure(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e?.code === 'ENOSPC' ? 'no space left on the device' : (e?.message ?? String(error));
}

/**
 * Writes `data` (text as UTF-8, or bytes) to `path` atomically and durably, creating the folder. A
 * failure is a `FileWriteError` naming `path`; the previous file, if any, is left as it was.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeAtomically(path, data);
  } catch (error) {
    throw error instanceof FileWriteError ? error : new FileWriteError(path, error);
  }
}

async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  // pid + counter: two writes of the same file in flight (same or other process) never share a temp file.
  const tmp = `${path}.${process.pid}.${counter++}.tmp`;
  track(tmp);
  try {
    // Created synchronously: an exit (a second Ctrl-C) can then never come between the exit hook's
    // removal and an asynchronous open that creates the file after it, leaving it behind.
    const fd = openSync(tmp, 'w');
    try {
      await promisify(writeFile)(fd, data);
      // Without this, a rename can reach the disk before the data it points to (ext4, xfs).
      await promisify(fsync)(fd);
    } finally {
      await promisify(close)(fd);
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  } finally {
    inFlight.delete(tmp);
  }
  await syncDirectory(dir);
  await sweepOrphans(path);
}

/** Flushes a directory entry (the rename itself); some platforms cannot open a directory: then skip. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows and a few file systems refuse fsync on a directory; the file itself is already flushed.
  } finally {
    await handle?.close();
  }
}

/** Pretty-printed JSON with a final newline, written atomically. */
export async function writeJsonAtomic(path: string, data: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(data, null, 2)}\n`);
}
