/**
 * Versions of the workspace packages a run's behaviour depends on: recorded in every repro run and in
 * `train`'s run manifest (a run says which code made it; a resume under other versions is refused).
 */
import { readFileSync } from 'node:fs';

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
