import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import type { HubFetcher } from '../src/data/hub';
import { resolveDataDir } from '../src/data/paths';

/** A fresh temporary folder for a test's fixture files. */
export function tempDir(prefix = 'tasks-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

const created: string[] = [];
// Registered while a test file is collected (it imports this module): its fixtures go when it ends.
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function writeFixture(root: string, rel: string, content: string): string {
  const file = join(root, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

export function jsonl(rows: unknown[]): string {
  return `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
}

/** An in-memory Hub: `files[repo][revision][path] = content`. Records every call. */
export function fakeHub(files: Record<string, Record<string, Record<string, string | Uint8Array>>>) {
  const calls: string[] = [];
  const fetcher: HubFetcher = {
    async listFiles(repo, revision) {
      calls.push(`list ${repo}@${revision}`);
      const rev = files[repo]?.[revision];
      if (rev === undefined) throw new Error(`revision ${revision} not found`);
      return Object.keys(rev);
    },
    async download(repo, path, revision) {
      calls.push(`download ${repo}@${revision}/${path}`);
      const content = files[repo]?.[revision]?.[path];
      if (content === undefined) return undefined;
      return typeof content === 'string' ? new TextEncoder().encode(content) : content;
    },
  };
  return { fetcher, calls };
}

/** The shared offline datasets, when this machine has them (tests that need them skip otherwise). */
export const SHARED_DATA_DIR: string | undefined = (() => {
  try {
    const dir = resolveDataDir();
    return dir !== undefined && existsSync(join(dir, 'hotpot_qa', 'corpus.jsonl')) ? dir : undefined;
  } catch {
    return undefined;
  }
})();

export const NO_DATA_MESSAGE =
  'shared/datasets not found (set AUTODIFF_DATA_DIR): skipping tests on the real data';
