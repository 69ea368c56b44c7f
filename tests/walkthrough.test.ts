import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { REPO } from '../scripts/pack';
import { checkWalkthroughOutput, walkthroughSource } from './walkthrough';

const run = promisify(execFile);

// The README's walkthrough, run as written inside the workspace (sources, no build), in its own process.
it('the README walkthrough runs inside the workspace', async () => {
  const dir = join(REPO, '.scratch');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `walkthrough-${process.pid}.ts`);
  writeFileSync(file, walkthroughSource());
  try {
    const { stdout } = await run(
      process.execPath,
      ['--conditions=autodiff-source', '--import', 'tsx', file],
      {
        cwd: REPO,
        timeout: 60_000,
      },
    );
    checkWalkthroughOutput(stdout);
  } finally {
    rmSync(file, { force: true });
  }
});

it('extracting the walkthrough fails loudly when the README lost its markers', async () => {
  expect(() => walkthroughSource('# no walkthrough here')).toThrow(/no walkthrough between/);
});
