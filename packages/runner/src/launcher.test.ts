/** bin/autodiff.mjs runs the compiled CLI only when no workspace package's sources are newer than its build. */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { staleBuild, staleBuildNotice } from '../bin/stale-build.mjs';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autodiff-launcher-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A package with one source file and one test file, built at `builtAt` (seconds). */
function pkg(name: string, sourceAt: number, builtAt?: number): void {
  mkdirSync(join(dir, name, 'src', 'sub'), { recursive: true });
  writeFileSync(join(dir, name, 'src', 'sub', 'a.ts'), '');
  writeFileSync(join(dir, name, 'src', 'a.test.ts'), '');
  utimesSync(join(dir, name, 'src', 'sub', 'a.ts'), sourceAt, sourceAt);
  utimesSync(join(dir, name, 'src', 'a.test.ts'), sourceAt + 5000, sourceAt + 5000);
  if (builtAt === undefined) return;
  mkdirSync(join(dir, name, 'dist'));
  writeFileSync(join(dir, name, 'dist', 'index.js'), '');
  utimesSync(join(dir, name, 'dist', 'index.js'), builtAt, builtAt);
}

describe('the launcher', () => {
  it('finds a build older than a source file (tests do not count), or a package never built', () => {
    pkg('core', 1000, 2000);
    pkg('llm', 1000, 2000); // its test file is newer than the build: still current
    expect(staleBuild(dir)).toBeUndefined();
    pkg('runner', 3000, 2000);
    expect(staleBuild(dir)).toEqual({ name: 'runner', missing: false });
    rmSync(join(dir, 'runner'), { recursive: true });
    pkg('trainer', 1000);
    expect(staleBuild(dir)).toEqual({ name: 'trainer', missing: true });
  });

  it('says in one line what it runs instead and how to rebuild', () => {
    for (const missing of [false, true]) {
      const notice = staleBuildNotice({ name: 'core', missing });
      expect(notice).toMatch(/^autodiff: .*@llm-autodiff\/core.*tsx.*Rebuild: pnpm build$/);
      expect(notice).not.toContain('\n');
      expect(notice).toContain(missing ? 'has no build' : 'newer than its build');
    }
  });
});
