/**
 * What an npm user reads: each package's README as published. Its relative links must resolve to files
 * the package ships; paths of the source tree are said to be in the repository, with a link there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, workspacePackages } from '../scripts/pack';

interface Manifest {
  files?: string[];
  repository?: { url?: string; directory?: string };
}

function shipped(pkg: string, manifest: Manifest, target: string): boolean {
  const path = normalize(target);
  if (path.startsWith('..')) return false;
  const top = path.split('/')[0];
  return (
    (manifest.files ?? []).some((f) => normalize(f) === top) && existsSync(join(REPO, 'packages', pkg, path))
  );
}

describe.each(workspacePackages())('the published README of %s', (pkg) => {
  const readme = readFileSync(join(REPO, 'packages', pkg, 'README.md'), 'utf8');
  const manifest = JSON.parse(readFileSync(join(REPO, 'packages', pkg, 'package.json'), 'utf8')) as Manifest;

  it('links only to files the package ships, or to web addresses', () => {
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => (m[1] ?? '').split('#')[0] ?? '');
    const broken = links.filter((l) => l !== '' && !/^https?:\/\//.test(l) && !shipped(pkg, manifest, l));
    expect(broken).toEqual([]);
  });

  it('says that source-tree paths are in the repository, and links there', () => {
    if (!/`(?:\.\/)?(?:src|testing|tests)\//.test(readme)) return;
    const repo = manifest.repository?.url?.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(repo).toBeDefined();
    expect(readme).toContain(`](${repo}/tree/main/packages/${pkg})`);
  });

  it('never offers the workspace-only ./testing export as part of the package', () => {
    for (const m of readme.matchAll(/`\.\/testing` export[^)]*/g)) expect(m[0]).toMatch(/not published/);
    expect(readme).not.toMatch(/@llm-autodiff\/\w+\/testing`(?![^.]*not published)/);
  });
});
