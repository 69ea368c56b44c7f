/** The repo-level command `scripts/train.ts` (GDPO on the simulated world), run as a user would. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const script = join(repoRoot, 'scripts', 'train.ts');
const run = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('scripts/train.ts', () => {
  it('exits 2 with a clear message on an unknown task, pipeline or flag', () => {
    const task = run(['--task', 'chess']);
    expect(task.status).toBe(2);
    expect(task.stderr).toContain('unknown task "chess"');
    const flag = run(['--task', 'object-count', '--stepz', '3']);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toContain('unknown flag --stepz');
    const mismatch = run(['--task', 'trec', '--pipeline', 'hotpot-vanilla']);
    expect(mismatch.status).toBe(2);
    expect(mismatch.stderr).toContain('belongs to task "hotpot"');
  });

  it('trains ObjectCount and writes a results JSON marked "simulated model"', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gdpo-script-'));
    try {
      const out = join(dir, 'oc.json');
      const r = run([
        '--task',
        'object-count',
        '--steps',
        '1',
        '--val',
        '10',
        '--test',
        '10',
        '--cache',
        'off',
        '--quiet',
        '--out',
        out,
      ]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/validation: \d\.\d{4} -> \d\.\d{4}/);
      expect(r.stdout).toMatch(/optimizer\s+\d+/);
      expect(r.stdout).toContain('mini-batch gate');
      const report = JSON.parse(readFileSync(out, 'utf8')) as {
        model: string;
        result: { steps: unknown[]; partial: boolean };
      };
      expect(report.model).toBe('simulated model');
      expect(report.result.partial).toBe(false);
      expect(report.result.steps).toHaveLength(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
