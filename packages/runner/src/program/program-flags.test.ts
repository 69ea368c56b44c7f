/** `autodiff train --program`, run in process as a user would, with data files, budget and resume. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findDataDir, NO_DATA_MESSAGE } from '@llm-autodiff/sim';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { autodiff } from '../../testing/run-cli';
import { applyProgramFlags, pipelineNameOf } from './program-flags';

const HAS_DATA = findDataDir() !== undefined; // the sim models read the datasets folder
const fixture = fileURLToPath(new URL('../../testing/fixtures/count-program.ts', import.meta.url));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autodiff-program-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('autodiff train --program', () => {
  it('turns the program and data flags into a registered pipeline, keeping counts as limits', async () => {
    const flags = await applyProgramFlags({ program: `${fixture}#withData`, val: '2', steps: 1 });
    expect(flags).toEqual({ task: 'withData', pipeline: 'withData', val: '2', steps: 1 });
    expect(pipelineNameOf('dir/my program.ts')).toBe('my-program');
  });

  it('exits 2 with one line for a bad program, missing data or a malformed data file', async () => {
    const missing = await autodiff(['train', '--program', `${fixture}#nope`]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^autodiff train: --program: .* has no export "nope"/);
    const noData = await autodiff(['train', '--program', `${fixture}#countProgram`]);
    expect(noData.err).toContain('no data; give --train FILE --val FILE');
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"id":"a","items":"x","count":1}\n{broken\n');
    const malformed = await autodiff([
      'train',
      '--program',
      `${fixture}#countProgram`,
      '--train',
      bad,
      '--val',
      bad,
    ]);
    expect(malformed.code).toBe(2); // bad input (the data file), found before any call
    expect(malformed.err).toMatch(/bad\.jsonl:2: not valid JSON/);
    expect(malformed.err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a data row without a field the program declares it reads is one line naming file, line and field (issue 21, case 5)', async () => {
    const rows = join(dir, 'rows.jsonl');
    writeFileSync(rows, '{"id":"a","items":"x","count":1}\n{"id":"b","count":2}\n');
    const r = await autodiff([
      'train',
      '--program',
      `${fixture}#countProgram`,
      '--train',
      rows,
      '--val',
      rows,
    ]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(
      /^autodiff train: .*rows\.jsonl:2: field "items", which the program reads, is missing \(map a column to it with --fields\)$/m,
    );
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it.skipIf(!HAS_DATA)(
    `trains from CSV files with a field mapping, stops at a budget and resumes${HAS_DATA ? '' : ` (${NO_DATA_MESSAGE})`}`,
    async () => {
      const csv = join(dir, 'rows.csv');
      writeFileSync(csv, 'key,list,n\nk1,"a, b",2\nk2,a,1\nk3,"a, b, c",3\nk4,"b, c",2\n');
      const out = join(dir, 'run.json');
      const common = [
        'train',
        '--program',
        `${fixture}#countProgram`,
        '--train',
        csv,
        '--val',
        csv,
        '--fields',
        'id=key,items=list,count=n',
        '--steps',
        '2',
        '--batch',
        '2',
        '--out',
        out,
        '--cache',
        'off',
        '--quiet',
      ];
      const stopped = await autodiff([...common, '--budget', 'optimizer.calls=1']);
      expect(stopped.err).toMatch(/stopped early \(budget/);
      expect(stopped.code).toBe(3); // a reached budget: partial result, resumable checkpoint
      expect(stopped.out).toMatch(/PARTIAL: .*budget/);
      // Even --quiet says that the simulated task model cannot judge a program of your own.
      expect(stopped.out).toMatch(
        /^note: the task model is simulated \(sim:task\) and judges only the benchmark tasks/m,
      );
      expect(existsSync(join(dir, 'run.ckpt.json'))).toBe(true);
      const resumed = await autodiff([...common, '--resume']);
      expect(resumed.err).toBe('');
      expect(resumed.code).toBe(0);
      const done = JSON.parse(readFileSync(out, 'utf8')) as {
        pipeline: string;
        result: { partial: boolean; program: string };
      };
      expect(done.result.partial).toBe(false);
      expect(done.result.program).toBe('count-items');
      expect(done.pipeline).toBe('countProgram');
    },
  );
});
