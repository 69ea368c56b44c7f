/**
 * The library path (llm, core, trainer, gdpo, baselines, tasks) installs without the CLI's weight: no
 * plotting, report, CLI or TypeScript-runtime packages, and the large optional ones (the o200k tokenizer
 * tables, the Hub client) only as optional peers that the code loads on first use. `pnpm measure:install`
 * measures the resulting sizes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIBRARY_PACKAGES } from '../scripts/measure-install';
import { packOrder, REPO } from '../scripts/pack';

interface Manifest {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const manifest = (pkg: string): Manifest =>
  JSON.parse(readFileSync(join(REPO, 'packages', pkg, 'package.json'), 'utf8')) as Manifest;

const CLI_ONLY = [
  'vega',
  'vega-lite',
  'tsx',
  'esbuild',
  'commander',
  'log-update',
  'yaml',
  'diff',
  'csv-stringify',
  '@viz-js/viz',
];
const OPTIONAL_PEERS = ['gpt-tokenizer', '@huggingface/hub'];

describe('the library path', () => {
  const closure = packOrder(LIBRARY_PACKAGES);

  it('is closed: its packages depend on no CLI-side workspace package', () => {
    expect(closure.sort()).toEqual([...LIBRARY_PACKAGES].sort());
  });

  it.each(closure)('%s depends on no plotting, CLI or TypeScript-runtime package', (pkg) => {
    const deps = Object.keys(manifest(pkg).dependencies ?? {});
    expect(deps.filter((d) => CLI_ONLY.includes(d) || OPTIONAL_PEERS.includes(d))).toEqual([]);
  });

  it('takes the tokenizer and the Hub client as optional peers, which the CLI installs', () => {
    const peers = closure.flatMap((pkg) =>
      Object.keys(manifest(pkg).peerDependencies ?? {}).map((d) => ({
        d,
        optional: manifest(pkg).peerDependenciesMeta?.[d]?.optional === true,
      })),
    );
    expect(peers.map((p) => p.d).sort()).toEqual([...OPTIONAL_PEERS].sort());
    expect(peers.every((p) => p.optional)).toBe(true);
    const cli = Object.keys(manifest('runner').dependencies ?? {});
    for (const d of OPTIONAL_PEERS) expect(cli).toContain(d);
  });
});
