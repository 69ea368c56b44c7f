/**
 * Versions of the workspace packages a run's behaviour depends on: recorded in every repro run and in
 * `train`'s run manifest (a run says which code made it; a resume under other versions is refused).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PACKAGES = ['llm', 'core', 'trainer', 'gdpo', 'baselines', 'tasks', 'sim', 'runner'] as const;

let cached: Record<string, string> | undefined;

/** `@llm-autodiff/<name>` → version, or `unknown` for a package this install does not have. */
export function packageVersions(): Record<string, string> {
  if (cached) return cached;
  const out: Record<string, string> = {};
  for (const name of PACKAGES) {
    try {
      // Beside this package, in the workspace (packages/<name>) and when installed (@llm-autodiff/<name>).
      const url = new URL(`../../${name}/package.json`, import.meta.url);
      const pkg = JSON.parse(readFileSync(url, 'utf8')) as { version?: string };
      out[`@llm-autodiff/${name}`] = pkg.version ?? 'unknown';
    } catch {
      out[`@llm-autodiff/${name}`] = 'unknown';
    }
  }
  cached = out;
  return out;
}

let commit: string | undefined;

/**
 * The git commit the code runs from (`abc1234`, `+dirty` when the tree has changes), or `unknown`
 * outside a git checkout (an installed package). Repro's run records carry it; tables show it.
 */
export function sourceCommit(): string {
  if (commit !== undefined) return commit;
  const cwd = fileURLToPath(new URL('.', import.meta.url));
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const head = git('rev-parse', '--short=12', 'HEAD');
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    commit = `${head}${dirty ? '+dirty' : ''}`;
  } catch {
    commit = 'unknown';
  }
  return commit;
}
