/**
 * The one rule that keeps the sim honest (SIM.md): no production code of core, gdpo, baselines or
 * tasks may import the simulated world. Tests and test helpers may (the sim is their devDependency).
 * A production file that imports a test helper which imports the sim is caught too.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGES = ['core', 'gdpo', 'baselines', 'tasks'];
const here = dirname(fileURLToPath(import.meta.url));
const packagesDir = resolve(here, '..', '..');
const simDir = resolve(packagesDir, 'sim');

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : walk(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** Test files and test helpers (under a `testing/` folder or named `test-support`). */
export function isTestCode(file: string): boolean {
  return /\.test\.ts$/.test(file) || /[\\/]testing[\\/]/.test(file) || /test-support/.test(file);
}

const IMPORT =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;

function imports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => (m[1] ?? m[2] ?? m[3]) as string);
}

function resolveRelative(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  for (const cand of [base, `${base}.ts`, join(base, 'index.ts')])
    if (existsSync(cand) && statSync(cand).isFile()) return cand;
  return undefined;
}

/** Whether `spec`, imported from `from`, points into the simulated world. */
export function isSimImport(from: string, spec: string): boolean {
  if (spec === '@llm-autodiff/sim' || spec.startsWith('@llm-autodiff/sim/')) return true;
  if (spec.includes('packages/sim')) return true;
  if (spec.startsWith('.')) {
    const target = resolve(dirname(from), spec);
    return target === simDir || target.startsWith(`${simDir}/`);
  }
  return false;
}

/** The chain of files by which `file` reaches the sim, or undefined. */
function reachesSim(file: string, seen = new Set<string>()): string[] | undefined {
  if (seen.has(file)) return undefined;
  seen.add(file);
  for (const spec of imports(file)) {
    if (isSimImport(file, spec)) return [file, spec];
    if (!spec.startsWith('.')) continue;
    const next = resolveRelative(file, spec);
    if (!next) continue;
    const chain = reachesSim(next, seen);
    if (chain) return [file, ...chain];
  }
  return undefined;
}

describe('honesty rule: production code never imports the simulated world', () => {
  it('detects sim imports (the check itself can fail)', () => {
    const f = join(packagesDir, 'core', 'src', 'x.ts');
    expect(isSimImport(f, '@llm-autodiff/sim')).toBe(true);
    expect(isSimImport(f, '../../sim/src/index')).toBe(true);
    expect(isSimImport(f, '../../simulator/x')).toBe(false);
    expect(isSimImport(f, '@llm-autodiff/llm')).toBe(false);
    expect(isTestCode('/a/src/testing/sim-run.ts')).toBe(true);
    expect(isTestCode('/a/src/trainer.ts')).toBe(false);
  });

  it.each(PACKAGES)('packages/%s/src: no production file reaches @llm-autodiff/sim', (pkg) => {
    const offenders = walk(join(packagesDir, pkg, 'src'))
      .filter((f) => !isTestCode(f))
      .map((f) => reachesSim(f))
      .filter((c): c is string[] => c !== undefined)
      .map((c) => c.map((p) => (p.startsWith('/') ? relative(packagesDir, p) : p)).join(' -> '));
    expect(offenders).toEqual([]);
  });

  it.each(PACKAGES)('packages/%s/package.json lists the sim only as a devDependency', (pkg) => {
    const json = JSON.parse(readFileSync(join(packagesDir, pkg, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      expect(Object.keys(json[field] ?? {}), `${pkg} ${field}`).not.toContain('@llm-autodiff/sim');
    }
  });
});

describe('judging roles are method-neutral', () => {
  // Section names that only one method's templates carry; the sim reads content, never these names.
  const METHOD_SECTIONS = [
    'techniques',
    'PROMPTING_TECHNIQUES',
    'TASK_DEMOS',
    'DATASET_SUMMARY',
    'PROGRAM_DESCRIPTION',
    'MODULE_DESCRIPTION',
    'PRIOR_OBSERVATIONS',
  ];
  it('no sim source names a section of one method', () => {
    const offenders: string[] = [];
    for (const file of walk(join(simDir, 'src'))) {
      if (isTestCode(file) || file.endsWith('fixtures.ts')) continue;
      const text = readFileSync(file, 'utf8');
      for (const name of METHOD_SECTIONS)
        if (new RegExp(`\\b${name}\\b`).test(text)) offenders.push(`${relative(simDir, file)}: ${name}`);
    }
    expect(offenders).toEqual([]);
  });
});
