/**
 * TEST SUPPORT: a read-only view of a folder. As root (who may write anywhere whatever the mode bits), a
 * read-only bind mount; otherwise the folder's write bits are removed. `reason` says why none could be
 * made (the test then skips, naming it).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type ReadOnlyView = { path: string; release(): void } | { reason: string };

export function readOnlyView(source: string): ReadOnlyView {
  if (process.getuid?.() !== 0) {
    for (const name of readdirSync(source)) chmodSync(join(source, name), 0o444);
    chmodSync(source, 0o555);
    // Some file systems ignore the mode bits: then the view is not read-only.
    try {
      writeFileSync(join(source, '.probe'), '');
      rmSync(join(source, '.probe'), { force: true });
      chmodSync(source, 0o755);
      return { reason: 'this file system ignores write permissions and no read-only mount can be made' };
    } catch {
      return { path: source, release: () => chmodSync(source, 0o755) };
    }
  }
  const target = mkdtempSync(join(tmpdir(), 'read-only-view-'));
  const mounted = spawnSync('mount', ['--bind', '-o', 'ro', source, target], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    rmSync(target, { recursive: true, force: true });
    return {
      reason: `running as root, and a read-only bind mount failed: ${(mounted.stderr || mounted.error?.message || '').trim()}`,
    };
  }
  return {
    path: target,
    release: () => {
      spawnSync('umount', [target]);
      rmSync(target, { recursive: true, force: true });
    },
  };
}

export type FullDisk = { path: string; release(): void } | { reason: string };

/** TEST SUPPORT: a folder on a tiny tmpfs filled to the last byte (root only; else `reason`). */
export function fullDisk(): FullDisk {
  if (process.getuid?.() !== 0) return { reason: 'a full disk needs a tmpfs mount, which needs root' };
  const target = mkdtempSync(join(tmpdir(), 'full-disk-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', target], {
    encoding: 'utf8',
  });
  if (mounted.status !== 0) {
    rmSync(target, { recursive: true, force: true });
    return { reason: `a tmpfs mount failed: ${(mounted.stderr || mounted.error?.message || '').trim()}` };
  }
  try {
    writeFileSync(join(target, 'filler'), Buffer.alloc(1024 * 1024));
  } catch {
    // ENOSPC: the disk is full, as wanted.
  }
  return {
    path: target,
    release: () => {
      spawnSync('umount', [target]);
      rmSync(target, { recursive: true, force: true });
    },
  };
}
