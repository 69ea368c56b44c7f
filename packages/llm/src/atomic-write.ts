/**
 * Atomic file writes: the text goes to a temporary file in the same directory, then a rename replaces
 * the target. A process killed mid-write leaves the previous file intact, so a reader (a resume, a
 * report, a cache lookup) never sees half a file. The one owner of this helper in the workspace.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

let counter = 0;

export async function writeTextAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // pid + counter: two writes of the same file in flight (same or other process) never share a temp file.
  const tmp = `${path}.${process.pid}.${counter++}.tmp`;
  try {
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

export async function writeJsonAtomic(path: string, data: unknown): Promise<void> {
  await writeTextAtomic(path, `${JSON.stringify(data, null, 2)}\n`);
}
