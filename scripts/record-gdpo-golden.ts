/**
 * Records packages/runner/src/train/fixtures/gdpo-golden.json, the expected outcome of the GDPO golden
 * runs (packages/runner/src/train/gdpo-golden.ts), from the current checkout. Run it only when a change of
 * behaviour is intended, and commit the fixture with that change:
 *
 *   npx tsx scripts/record-gdpo-golden.ts
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { writeJsonAtomic } from '@llm-autodiff/llm';
import {
  GOLDEN_RUNS,
  type GoldenFile,
  type GoldenRun,
  runGolden,
} from '../packages/runner/testing/gdpo-golden';

const FIXTURE = join(import.meta.dirname, '../packages/runner/src/train/fixtures/gdpo-golden.json');

const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
const runs: Record<string, GoldenRun> = {};
for (const [name, argv] of Object.entries(GOLDEN_RUNS)) {
  process.stdout.write(`${name}: autodiff train ${argv.join(' ')} --cache off ... `);
  runs[name] = await runGolden(argv);
  const r = runs[name];
  console.log(`val ${r.initial?.val} -> ${r.final.val}, test ${r.initial?.test} -> ${r.final.test}`);
}
const file: GoldenFile = {
  source: `autodiff train --cache off (simulated model) at commit ${git('rev-parse', 'HEAD')}${dirty ? ' with uncommitted changes' : ''}; recorded by scripts/record-gdpo-golden.ts`,
  runs,
};
await writeJsonAtomic(FIXTURE, file);
// In the house format, so that `pnpm lint` passes on a freshly recorded fixture.
execFileSync('pnpm', ['exec', 'biome', 'format', '--write', FIXTURE], { stdio: 'ignore' });
console.log(`wrote ${FIXTURE}`);
