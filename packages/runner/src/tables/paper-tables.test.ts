import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { syntheticRun } from '../../testing/run-fixtures';
import type { SavedRun } from '../repro/run-record';
import { accuracyTable, formatAccuracy, gatesTable, mainTable, usageTable } from './paper-tables';
import { renderCsv, renderLatex, renderMarkdown } from './render';
import { stat, summarize } from './summary';

function runs(pipelines: string[], methods: string[], repeats: number, simulated = true): SavedRun[] {
  return pipelines.flatMap((pipeline) =>
    methods.flatMap((method) =>
      Array.from({ length: repeats }, (_, repeat) => {
        const { record, steps } = syntheticRun({ pipeline, method, repeat, simulated });
        return { dir: record.runId, record, steps, graphs: [] };
      }),
    ),
  );
}

const sim = { experiment: 'quick', simulated: true };

describe('summary', () => {
  it('computes mean, sample std and best over repeats', () => {
    expect(stat([0.5, 0.7, 0.9])).toEqual({
      n: 3,
      mean: expect.closeTo(0.7, 12),
      std: expect.closeTo(0.2, 12),
      min: 0.5,
      max: 0.9,
    });
    expect(stat([0.4])?.std).toBe(0);
    expect(stat([])).toBeUndefined();
  });

  it("groups per pipeline × method in the paper's order and averages usage per run", () => {
    const all = runs(['trec', 'object-count'], ['gdpo', 'textgrad', 'gdpo.noHistory', 'start'], 3);
    const cells = summarize({ runs: all.reverse() });
    expect(cells.map((c) => `${c.pipeline}/${c.method}`)).toEqual([
      'object-count/start',
      'object-count/textgrad',
      'object-count/gdpo',
      'object-count/gdpo.noHistory',
      'trec/start',
      'trec/textgrad',
      'trec/gdpo',
      'trec/gdpo.noHistory',
    ]);
    const gdpo = all.filter((r) => r.record.pipeline === 'object-count' && r.record.method === 'gdpo');
    const tests = gdpo.map((r) => r.record.final.test as number);
    const cell = cells[2];
    expect(cell?.test?.mean).toBeCloseTo(tests.reduce((a, b) => a + b) / 3, 12);
    expect(cell?.test?.max).toBe(Math.max(...tests));
    expect(cell?.steps).toBe(3); // training steps, without the init and final evaluation records
    const calls = gdpo.map((r) => r.record.usage.backward?.calls ?? 0);
    expect(cell?.usage.backward?.requested.calls).toBeCloseTo(calls.reduce((a, b) => a + b) / 3, 12);
  });

  it('leaves partial runs out of test accuracy but counts them', () => {
    const done = syntheticRun({ pipeline: 'trec', method: 'gdpo', repeat: 0 });
    const partial = syntheticRun({ pipeline: 'trec', method: 'gdpo', repeat: 1, status: 'partial' });
    const [cell] = summarize({
      runs: [done, partial].map(({ record, steps }) => ({ dir: '', record, steps, graphs: [] })),
    });
    expect(cell?.runs).toBe(2);
    expect(cell?.partial).toBe(1);
    expect(cell?.test?.n).toBe(1);
    expect(cell?.val?.n).toBe(2);
  });
});

describe('paper tables', () => {
  const cells = summarize({ runs: runs(['object-count', 'hotpot-agent'], ['start', 'gdpo', 'mipro'], 2) });

  it('formats accuracy as mean ± std (best) in percent, and says "simulated model" in the title', () => {
    expect(formatAccuracy({ n: 2, mean: 0.7125, std: 0.0212, min: 0.6975, max: 0.7275 })).toBe(
      '71.25 ± 2.12 (72.75)',
    );
    expect(renderMarkdown(mainTable(cells, sim)).split('\n')[0]).toMatch(/^# .* — quick — simulated model/);
    for (const t of [accuracyTable(cells, sim), usageTable(cells, sim), gatesTable(cells, sim)])
      expect(renderMarkdown(t).split('\n')[0]).toMatch(/^# .* — quick — simulated model/);
    expect(renderMarkdown(mainTable(cells, { experiment: 'paper', simulated: false }))).not.toMatch(
      /simulated/,
    );
  });

  it("lays the main table out as the paper's: methods in rows, per pipeline ours beside the paper's", () => {
    const md = renderMarkdown(mainTable(cells, sim));
    const lines = md.split('\n');
    const header = lines.find((l) => l.startsWith('| method'));
    expect(header).toMatch(/object-count test % .*object-count paper % .*hotpot-agent test %/);
    const rows = lines.filter((l) => /^\| (start|mipro|gdpo) /.test(l)).map((l) => l.split('|')[1]?.trim());
    expect(rows).toEqual(['start', 'mipro', 'gdpo']);
    const gdpoRow = lines.find((l) => l.startsWith('| gdpo '));
    expect(gdpoRow).toContain('LLM-AutoDiff');
    expect(gdpoRow).toContain('93.75');
    const gdpo = cells.find((c) => c.pipeline === 'object-count' && c.method === 'gdpo');
    const mean = ((gdpo?.test?.mean ?? 0) * 100).toFixed(2);
    expect(gdpoRow).toContain(`${mean} ± ${((gdpo?.test?.std ?? 0) * 100).toFixed(2)}`);
    expect(lines.find((l) => l.startsWith('| mipro '))).toContain('DSPy(5+2)');
    expect(lines.find((l) => l.startsWith('| start '))).toContain('16.50');
  });

  it("gives a pipeline of the user's own no paper columns, and an experiment of only such pipelines no paper notes", () => {
    const mixed = summarize({ runs: runs(['object-count', 'triage'], ['start', 'gdpo'], 1) });
    const header = renderMarkdown(mainTable(mixed, sim))
      .split('\n')
      .find((l) => l.startsWith('| method'));
    expect(header).toMatch(/object-count paper %/);
    expect(header).toMatch(/triage test %/);
    expect(header).not.toMatch(/triage paper %/);
    const own = summarize({ runs: runs(['triage'], ['start', 'gdpo'], 1) });
    const main = mainTable(own, sim);
    const accuracy = accuracyTable(own, sim);
    const rendered = [
      [renderMarkdown(main), renderCsv(main)],
      [renderMarkdown(accuracy), renderCsv(accuracy)],
    ];
    for (const [md, csv] of rendered) {
      expect(md).not.toMatch(/paper %|paper method|\(reported\)|Paper numbers|Reported columns/);
      expect(csv).not.toMatch(/reported|paper_method/);
    }
    expect(renderMarkdown(accuracyTable(mixed, sim))).toMatch(/test % \(reported\)/);
  });

  it('writes the settings block into every table file and LaTeX with booktabs', () => {
    const settings = ['Split sizes: train 24, val 24, test 24', 'Models: task sim:task'];
    const table = mainTable(cells, { ...sim, settings });
    expect(renderMarkdown(table)).toContain('## Settings\n\n- Split sizes: train 24, val 24, test 24');
    expect(renderCsv(table).split('\n').slice(0, 3)).toEqual([
      expect.stringMatching(/^# Test accuracy/),
      '# Split sizes: train 24, val 24, test 24',
      '# Models: task sim:task',
    ]);
    const tex = renderLatex(table);
    for (const line of ['\\toprule', '\\midrule', '\\bottomrule', '% Models: task sim:task'])
      expect(tex).toContain(line);
    expect(tex).toMatch(/^gdpo & LLM-AutoDiff & \d+\.\d\d \$\\pm\$ \d+\.\d\d/m);
    expect(tex).toContain('object-count test \\%');
    // Every row has as many cells as the header.
    const body = tex.split('\n').filter((l) => l.endsWith('\\\\'));
    const width = (l: string) => l.split(' & ').length;
    for (const l of body) expect(width(l)).toBe(width(body[0] as string));
  });

  it('writes CSV that csv-parse reads back to the same numbers, requested and billed', () => {
    const read = (text: string): Array<Record<string, string>> =>
      parse(text, { columns: true, comment: '#' });
    const rows = read(renderCsv(accuracyTable(cells, sim)));
    expect(rows).toHaveLength(cells.length);
    for (const [i, cell] of cells.entries()) {
      const row = rows[i] as Record<string, string>;
      expect(row.model).toBe('simulated model');
      expect(row.pipeline).toBe(cell.pipeline);
      expect(Number(row.test_mean_pct)).toBeCloseTo((cell.test?.mean ?? Number.NaN) * 100, 3);
      expect(Number(row.test_best_pct)).toBeCloseTo((cell.test?.max ?? Number.NaN) * 100, 3);
      expect(Number(row.val_std_pct)).toBeCloseTo((cell.val?.std ?? Number.NaN) * 100, 3);
    }
    const main = read(renderCsv(mainTable(cells, sim)));
    const gdpoMain = main.find((r) => r.method === 'gdpo');
    expect(gdpoMain?.['object-count_reported_test_pct']).toBe('93.75');
    const gdpo = cells.find((c) => c.method === 'gdpo' && c.pipeline === 'object-count');
    expect(Number(gdpoMain?.['object-count_requested_tokens'])).toBeCloseTo(
      gdpo?.total.requested.tokens ?? -1,
      3,
    );
    const usage = read(renderCsv(usageTable(cells, sim)));
    const usageRow = usage.find((r) => r.method === 'gdpo' && r.pipeline === 'object-count');
    expect(Number(usageRow?.optimizer_requested_tokens)).toBe(gdpo?.usage.optimizer?.requested.tokens);
    expect(Number(usageRow?.task_billed_calls)).toBe(gdpo?.usage.task?.billed.calls);
  });

  it('counts cache hits in requested cost and apart from billed', () => {
    const fresh = syntheticRun({ pipeline: 'trec', method: 'gdpo', repeat: 0 });
    const cached = syntheticRun({ pipeline: 'trec', method: 'gdpo', repeat: 0, fromCache: true });
    const [a, b] = [fresh, cached].map(
      ({ record, steps }) => summarize({ runs: [{ dir: '', record, steps, graphs: [] }] })[0],
    );
    expect(b?.total.requested).toEqual(a?.total.requested);
    expect(b?.total.billed).toEqual({ calls: 0, tokens: 0 });
    expect(b?.total.cached).toEqual(a?.total.requested);
  });

  it('escapes pipes in Markdown cells', () => {
    const md = renderMarkdown({
      name: 't',
      title: 'T',
      notes: [],
      columns: [{ header: 'a', md: (r: string) => r, csv: [['a', (r: string) => r]] }],
      rows: ['x|y'],
    });
    expect(md).toContain('x\\|y');
  });
});
