/** Versions of the workspace packages, recorded in every run (a run says which code made it). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const NAMES = ['llm', 'core', 'tasks', 'gdpo', 'baselines', 'sim', 'runner'];

let cached: Record<string, string> | undefined;

export function packageVersions(): Record<string, string> {
  if (cached) return cached;
  const out: Record<string, string> = { node: process.version };
  for (const name of NAMES) {
    try {
      const pkg = JSON.parse(readFileSync(join(PACKAGES_DIR, name, 'package.json'), 'utf8')) as {
        version?: string;
      };
      if (pkg.version) out[`@llm-autodiff/${name}`] = pkg.version;
    } catch {
      // A package that is not in this checkout is simply not listed.
    }
  }
  cached = out;
  return out;
}
