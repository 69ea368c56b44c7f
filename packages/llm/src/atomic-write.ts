/**
 * Atomic file writes: the text goes to a temporary file in the same directory, then a rename replaces
 * the target. A process killed mid-write leaves the previous file intact, so a reader (a resume, a
 * report, a cache lookup) never sees half a file. The one owner of this helper in the workspace.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

let counter = 0;

/** Writes `data` (text as UTF-8, or bytes) to `path` atomically, creating the folder. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // pid + counter: two writes of the same file in flight (same or other process) never share a temp file.
  const tmp = `${path}.${process.pid}.${counter++}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** Pretty-printed JSON with a final newline, written atomically. */
export async function writeJsonAtomic(path: string, data: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(data, null, 2)}\n`);
}
