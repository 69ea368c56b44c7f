/** `autodiff repro` on an experiment that names a user's own program and its CSV data. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HAS_DATA, needsData } from '../../testing/data';
import { autodiff } from '../../testing/run-cli';
import { loadExperiment } from '../experiment/load';
import { readExperiment } from '../repro/run-record';

const fixture = fileURLToPath(new URL('../../testing/fixtures/count-program.ts', import.meta.url));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autodiff-repro-program-'));
  writeFileSync(
    join(dir, 'rows.csv'),
    'key,list,n\nk1,"a, b",2\nk2,a,1\nk3,"a, b, c",3\nk4,"b, c",2\nk5,"c, a",2\n',
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** An experiment beside rows.csv naming the fixture program by a path relative to the file. */
function experimentFile(pipeline: string, methods = '[start, gdpo, textgrad, bootstrap]'): string {
  const file = join(dir, 'mine.yaml');
  writeFileSync(
    file,
    `name: mine
pipelines:
  - ${pipeline}
methods: ${methods}
sizes: { train: 4, val: 4, test: 4 }
config: { steps: 1, batchSize: 2, proposalsPerStep: 1 }
budget: { total: { calls: 400 } }
`,
  );
  return file;
}

const program = (exportName: string) => `${relative(dir, fixture)}#${exportName}`;
const withCsv = (exportName: string, extra = '') =>
  `{ program: "${program(exportName)}"${extra}, data: { train: rows.csv, val: rows.csv, fields: { id: key, items: list, count: n } } }`;

describe('experiment files with a custom pipeline', () => {
  it('resolve the program and data paths against the file; the name defaults to the export', () => {
    const e = loadExperiment(experimentFile(withCsv('countProgram')));
    expect(e.pipelines[0]).toMatchObject({
      program: `${fixture}#countProgram`,
      data: { train: join(dir, 'rows.csv'), val: join(dir, 'rows.csv') },
    });
  });

  it('a bad program, a repeated or built-in name, an override of an unknown pipeline: one line, exit 2', async () => {
    const results = join(dir, 'results');
    const missing = await autodiff(['repro', experimentFile(withCsv('nope')), '--results', results]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^autodiff repro: pipeline "nope": .*count-program\.ts has no export "nope"/);
    const builtIn = await autodiff([
      'repro',
      experimentFile(withCsv('countProgram', ', name: trec')),
      '--results',
      results,
    ]);
    expect(builtIn.code).toBe(2);
    expect(builtIn.err).toMatch(/mine\.yaml:3: pipelines\[0\]\.name: name is a built-in pipeline/);
    const twice = await autodiff([
      'repro',
      experimentFile(`${withCsv('countProgram')}\n  - ${withCsv('countProgram')}`),
      '--results',
      results,
    ]);
    expect(twice.err).toMatch(/pipelines\[1\]: "countProgram" is listed twice/);
    const file = experimentFile(withCsv('countProgram'));
    writeFileSync(
      file,
      `${readFileSync(file)}overrides:\n  - pipelines: [countProgam]\n    config: { steps: 2 }\n`,
    );
    const override = await autodiff(['repro', file, '--results', results]);
    expect(override.err).toMatch(
      /overrides\[0\]\.pipelines\[0\]: unknown pipeline "countProgam" \(this experiment's: countProgram\)/,
    );
    for (const r of [missing, builtIn, twice, override]) expect(r.err).not.toMatch(/\n\s+at /);
  });

  it.skipIf(!HAS_DATA)(
    needsData('trains the program from CSV with every method that can tune it, under the budget'),
    async () => {
      const results = join(dir, 'results');
      const r = await autodiff([
        'repro',
        experimentFile(withCsv('countProgram')),
        '--results',
        results,
        '--cache',
        'off',
      ]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      // The program has one prompt and no demos slot: bootstrap (demos only) is left out, saying why.
      expect(r.out).toContain(
        'not run: bootstrap on countProgram: bootstrap tunes demos parameters; countProgram has prompt parameters',
      );
      expect(r.out).toMatch(
        /^note: the task model is simulated \(sim:task\) and judges only the benchmark tasks/m,
      );
      expect(r.out).toContain('not estimated (custom pipelines, no measured step counts)');
      expect(r.out).toMatch(/runs: 3 done, 0 skipped \(already done\), 0 partial, 0 failed/);
      const saved = await readExperiment(join(results, 'mine'));
      expect(saved.runs.map((run) => run.record.runId).sort()).toEqual([
        'countProgram__gdpo__r0',
        'countProgram__start__r0',
        'countProgram__textgrad__r0',
      ]);
      for (const run of saved.runs) {
        expect(run.record.status).toBe('done');
        expect(Object.keys(run.record.testScores ?? {}).sort()).toEqual(['k1', 'k2', 'k3', 'k4']);
      }
      const gdpo = saved.runs.find((run) => run.record.runId === 'countProgram__gdpo__r0')?.record;
      expect(Object.keys(gdpo?.values.final ?? {})).toEqual(['count.instruction']);
      const textgrad = join(results, 'mine', 'runs', 'countProgram__textgrad__r0', 'graphs');
      expect(readdirSync(textgrad)).toContain('step-01.json');
    },
  );
});
