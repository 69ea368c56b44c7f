/** `autodiff report FILE.json`: one `train` run rendered as a report, checked against its results file. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDataDir, NO_DATA_MESSAGE } from '@llm-autodiff/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autodiff } from '../../testing/run-cli';
import { readTrainResults } from '../train/results-file';
import { readTrainRun } from './train-run';

const HAS_DATA = findDataDir() !== undefined;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'train-report-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!HAS_DATA)(`report of one train run${HAS_DATA ? '' : ` (${NO_DATA_MESSAGE})`}`, () => {
  let out: string;
  let graphs: string;
  beforeAll(async () => {
    out = join(dir, 'gdpo-object-count-seed2025.json');
    graphs = join(dir, 'graphs');
    const train = await autodiff([
      'train',
      '--task',
      'object-count',
      '--steps',
      '2',
      '--train',
      '12',
      '--val',
      '8',
      '--test',
      '8',
      '--cache',
      'off',
      '--quiet',
      '--graph',
      graphs,
      '--out',
      out,
    ]);
    expect(train.code, train.err).toBe(0);
  }, 120_000);

  it('reads the results file as a one-run experiment holding what the file says', async () => {
    const file = await readTrainResults(out);
    const exp = await readTrainRun(out);
    expect(exp.runs).toHaveLength(1);
    const [run] = exp.runs;
    if (!run) throw new Error('no run');
    expect(run.record.runId).toBe('object-count__gdpo__r0');
    expect(run.record.initial).toEqual(file.result.initial);
    expect(run.record.final.test).toBe(file.result.final.test);
    expect(run.steps.map((s) => s.step)).toEqual(file.result.steps.map((s) => s.step));
    // The starting prompt is recorded by train and is the first version of the prompt's evolution.
    expect(Object.keys(file.initialValues ?? {})).toEqual(['object_count.system_prompt']);
    expect(run.record.values.initial).toEqual(file.initialValues);
    const calls = Object.values(file.result.usage).reduce((a, u) => a + u.calls + u.cacheHits, 0);
    const requested = Object.values(run.record.usage).reduce((a, u) => a + (u.requested?.calls ?? 0), 0);
    expect(requested).toBe(calls);
    expect(run.graphs.map((g) => g.step)).toEqual([1, 2]);
    expect(exp.experiment.sizes).toEqual({ train: 12, val: 8, test: 8 });
  });

  it('writes <name>.report.html beside the file: settings, prompts, steps and graphs as pictures', async () => {
    const report = await autodiff(['report', out]);
    expect(report.code, report.err).toBe(0);
    const path = join(dir, 'gdpo-object-count-seed2025.report.html');
    expect(report.out).toContain(path);
    const html = readFileSync(path, 'utf8');
    expect(html).toContain('<li>Split sizes: train 12, val 8, test 8');
    expect(html).toContain('GDPO steps 2');
    expect(html).toContain('<span class="label">initial</span>');
    // Two steps' graphs saved; the last one is drawn, both keep their source.
    expect(readdirSync(graphs).filter((n) => n.endsWith('.dot'))).toHaveLength(2);
    expect(html.match(/<figure class="graph"[^>]*>\s*<svg/g)).toHaveLength(1);
    expect(html.match(/graph source \(Mermaid/g)).toHaveLength(2);
    expect(html).toContain('id="plot-accuracy-vs-cost-object-count"');
    // Nothing but the report is written beside the results file.
    expect(existsSync(join(dir, 'tables'))).toBe(false);
    expect(existsSync(join(dir, 'plots'))).toBe(false);
  });
});

describe('report of a train results file that is not one', () => {
  it('fails with one line naming the file, and writes nothing', async () => {
    const missing = await autodiff(['report', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.err.split('\n')).toHaveLength(1);
    expect(missing.err).toContain(`${join(dir, 'nope.json')}: missing`);

    const foreign = join(dir, 'foreign.json');
    writeFileSync(foreign, '{"model": "x"}\n');
    const bad = await autodiff(['report', foreign]);
    expect(bad.code).toBe(2);
    expect(bad.err.split('\n')).toHaveLength(1);
    expect(bad.err).toMatch(/foreign\.json: field "\w+": Required/);
    expect(existsSync(join(dir, 'foreign.report.html'))).toBe(false);

    const table = await autodiff(['table', foreign]);
    expect(table.code).toBe(2);
    expect(table.err).toContain('`autodiff report` renders it');
  });
});
