/**
 * Packs workspace packages into npm tarballs (`pnpm pack`; each package's `prepack` emits dist/ first),
 * in dependency order so that a package's emit finds the declarations of the packages it imports.
 *
 *   pnpm pack:all [--out DIR] [name ...]     (names without the @llm-autodiff/ scope; default: all)
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));

const SCOPE = '@llm-autodiff/';

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
}

function manifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(REPO, 'packages', dir, 'package.json'), 'utf8')) as Manifest;
}

/** Every package under packages/ with a manifest, by short name (`core`, `llm`, …). */
export function workspacePackages(): string[] {
  return readdirSync(join(REPO, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .filter((name) => {
      try {
        return manifest(name).name === `${SCOPE}${name}`;
      } catch {
        return false;
      }
    });
}

/** `names` plus every workspace package they depend on, each after its dependencies. */
export function packOrder(names: readonly string[]): string[] {
  const known = new Set(workspacePackages());
  const order: string[] = [];
  const visit = (name: string, path: string[]): void => {
    if (order.includes(name)) return;
    if (!known.has(name)) throw new Error(`pack: no package "${name}" under packages/`);
    if (path.includes(name)) throw new Error(`pack: dependency cycle ${[...path, name].join(' -> ')}`);
    for (const dep of Object.keys(manifest(name).dependencies ?? {})) {
      if (dep.startsWith(SCOPE)) visit(dep.slice(SCOPE.length), [...path, name]);
    }
    order.push(name);
  };
  for (const name of names) visit(name, []);
  return order;
}

/**
 * Packs the packages (and their workspace dependencies) into `outDir`; returns tarball paths by package
 * name. Packages whose dependencies are packed already run at once (their emits are independent).
 */
export async function packPackages(
  names: readonly string[],
  outDir: string,
): Promise<Record<string, string>> {
  mkdirSync(outDir, { recursive: true });
  const order = packOrder(names);
  const done = new Map<string, Promise<void>>();
  const tarballs: Record<string, string> = {};
  for (const name of order) {
    const m = manifest(name);
    if (m.private) throw new Error(`pack: ${m.name} is private; it cannot be published`);
    const deps = Object.keys(m.dependencies ?? {})
      .filter((d) => d.startsWith(SCOPE))
      .map((d) => done.get(d.slice(SCOPE.length)));
    done.set(
      name,
      Promise.all(deps).then(async () => {
        await run('pnpm', ['pack', '--pack-destination', outDir], { cwd: join(REPO, 'packages', name) });
      }),
    );
    tarballs[m.name] = join(outDir, `${m.name.replace('@', '').replace('/', '-')}-${m.version}.tgz`);
  }
  await Promise.all(done.values());
  return tarballs;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out');
  const outDir = resolve(at >= 0 ? (args[at + 1] ?? 'dist-packs') : join(REPO, '.scratch', 'packs'));
  const names = args.filter((_, i) => at < 0 || (i !== at && i !== at + 1));
  packPackages(names.length ? names : workspacePackages(), outDir).then(
    (tarballs) => {
      for (const path of Object.values(tarballs)) console.log(path);
    },
    (e: { message: string; stderr?: string }) => {
      console.error(e.stderr || e.message);
      process.exitCode = 1;
    },
  );
}
