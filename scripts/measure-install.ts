/**
 * What a user downloads: packs the packages, installs them with npm into two fresh projects under the OS
 * temp directory — the library path (llm, core, trainer, gdpo, baselines, tasks) and the full CLI (runner,
 * which brings everything; and once more without its optional plotting packages) — and prints each
 * install's size on disk and package count.
 *
 *   pnpm measure:install [--json]
 *
 * Native builds are skipped (--ignore-scripts): better-sqlite3's binary comes from a prebuilt download for
 * users, or from a local build whose intermediate files would dominate the figure here.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packPackages } from './pack';

const run = promisify(execFile);

export const LIBRARY_PACKAGES = ['llm', 'core', 'trainer', 'gdpo', 'baselines', 'tasks'] as const;
export const LIBRARY_TARGET = { megabytes: 40, packages: 60 } as const;

export interface InstallFigures {
  name: string;
  megabytes: number;
  packages: number;
}

/** Bytes of every file under `dir` (symlinks not followed). */
function diskBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += diskBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/**
 * Installed packages, nested ones included: npm's own record of the tree it laid out
 * (`node_modules/.package-lock.json`, one `packages` entry per installed package).
 */
function countPackages(nodeModules: string): number {
  const lock = JSON.parse(readFileSync(join(nodeModules, '.package-lock.json'), 'utf8')) as {
    packages: Record<string, unknown>;
  };
  return Object.keys(lock.packages).length;
}

/** Installs `names` (short names) from `tarballs` into a fresh project and measures its node_modules. */
export async function measureInstall(
  name: string,
  names: readonly string[],
  tarballs: Record<string, string>,
  root: string,
  extraFlags: readonly string[] = [],
): Promise<InstallFigures> {
  const project = join(root, name);
  mkdirSync(project, { recursive: true });
  const all = Object.fromEntries(Object.entries(tarballs).map(([pkg, file]) => [pkg, `file:${file}`]));
  const dependencies = Object.fromEntries(
    names.map((n) => [`@llm-autodiff/${n}`, all[`@llm-autodiff/${n}`]]),
  );
  // overrides: the packages' dependencies on each other resolve to the tarballs, not a registry.
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: `measure-${name}`, private: true, type: 'module', dependencies, overrides: all }),
  );
  await run(
    'npm',
    ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', ...extraFlags],
    {
      cwd: project,
      timeout: 600_000,
    },
  );
  const nodeModules = join(project, 'node_modules');
  return {
    name,
    megabytes: Math.round((diskBytes(nodeModules) / 1e6) * 10) / 10,
    packages: countPackages(nodeModules),
  };
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const root = mkdtempSync(join(tmpdir(), 'autodiff-install-'));
  try {
    const tarballs = await packPackages(['runner'], join(root, 'packs'));
    const library = await measureInstall('library', LIBRARY_PACKAGES, tarballs, root);
    const cli = await measureInstall('cli', ['runner'], tarballs, root);
    // The CLI's optional dependencies are the plotting packages (vega, vega-lite).
    const noPlots = await measureInstall('cli-no-plots', ['runner'], tarballs, root, ['--omit=optional']);
    if (json) {
      console.log(JSON.stringify({ target: LIBRARY_TARGET, installs: [library, cli, noPlots] }, null, 2));
      return;
    }
    for (const f of [library, cli, noPlots]) {
      console.log(
        `${f.name.padEnd(13)} ${String(f.megabytes).padStart(6)} MB  ${String(f.packages).padStart(4)} packages`,
      );
    }
    const ok = library.megabytes <= LIBRARY_TARGET.megabytes && library.packages <= LIBRARY_TARGET.packages;
    console.log(
      `library target <= ${LIBRARY_TARGET.megabytes} MB and <= ${LIBRARY_TARGET.packages} packages: ${ok ? 'met' : 'NOT met'}`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error(`measure-install: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
