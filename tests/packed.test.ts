/**
 * The packages as a user outside the monorepo gets them: `pnpm pack` each (dist/ emitted by prepack),
 * install the tarballs with npm into a fresh project under the OS temp directory, and run the README's
 * "Your own workflow" walkthrough there with plain node (compiled from the README's TypeScript block),
 * after type-checking it against the installed declarations.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findDataDir } from '@llm-autodiff/sim';
import ts from 'typescript';
import { afterAll, expect, it } from 'vitest';
import { packPackages, REPO } from '../scripts/pack';
import { checkWalkthroughOutput, WALKTHROUGH_PACKAGES, walkthroughSource } from './walkthrough';

const run = promisify(execFile);
const dataDir = findDataDir();
const dir = mkdtempSync(join(tmpdir(), 'autodiff-packed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('packed tarballs install outside the workspace and run the README walkthrough with plain node', async (ctx) => {
  const tarballs = await packPackages(WALKTHROUGH_PACKAGES, join(dir, 'packs'));
  const project = join(dir, 'project');
  const deps = Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]));
  // overrides: the packages' own dependencies on each other resolve to the tarballs too, not a registry.
  const manifest = {
    name: 'walkthrough',
    private: true,
    type: 'module',
    dependencies: deps,
    overrides: deps,
  };
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify(manifest, null, 2));
  try {
    // --ignore-scripts: better-sqlite3's native build is not needed (the walkthrough opens no cache).
    await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: project,
      timeout: 120_000,
    });
  } catch (e) {
    ctx.skip(`npm install of the packed tarballs failed (no registry access?): ${(e as Error).message}`);
  }

  const source = walkthroughSource();
  writeFileSync(join(project, 'walkthrough.ts'), source);
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        typeRoots: [join(REPO, 'node_modules', '@types')],
        types: ['node'],
      },
      files: ['walkthrough.ts'],
    }),
  );
  const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  const typecheck = await run(process.execPath, [tsc, '-p', project], { cwd: project }).catch(
    (e: { stdout?: string }) => ({ stdout: e.stdout ?? String(e) }),
  );
  expect(typecheck.stdout).toBe('');

  const js = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
  writeFileSync(join(project, 'walkthrough.mjs'), js);
  const { stdout } = await run(process.execPath, ['walkthrough.mjs'], {
    cwd: project,
    // The sim reads the datasets from the repository's sibling folder by default; outside, say where.
    env: { ...process.env, NODE_OPTIONS: '', ...(dataDir ? { AUTODIFF_DATA_DIR: dataDir } : {}) },
    timeout: 60_000,
  });
  checkWalkthroughOutput(stdout);
}, 180_000);
