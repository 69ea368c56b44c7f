import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { syntheticRun } from '../../testing/run-fixtures';
import type { SavedRun } from '../repro/run-record';
import { formatAccuracy, gatesTable, mainTable, usageTable } from './paper-tables';
import { renderCsv, renderMarkdown } from './render';
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

  it('groups per pipeline × method in sorted order and averages usage per run', () => {
    const all = runs(['trec', 'object-count'], ['textgrad', 'gdpo'], 3);
    const cells = summarize({ runs: all.reverse() });
    expect(cells.map((c) => `${c.pipeline}/${c.method}`)).toEqual([
      'object-count/gdpo',
      'object-count/textgrad',
      'trec/gdpo',
      'trec/textgrad',
    ]);
    const gdpo = all.filter((r) => r.record.pipeline === 'object-count' && r.record.method === 'gdpo');
    const tests = gdpo.map((r) => r.record.final.test as number);
    expect(cells[0]?.test?.mean).toBeCloseTo(tests.reduce((a, b) => a + b) / 3, 12);
    expect(cells[0]?.test?.max).toBe(Math.max(...tests));
    expect(cells[0]?.steps).toBe(3); // training steps, without the init and final evaluation records
    const calls = gdpo.map((r) => r.record.usage.backward?.calls ?? 0);
    expect(cells[0]?.usage.backward?.calls).toBeCloseTo(calls.reduce((a, b) => a + b) / 3, 12);
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
    for (const t of [mainTable(cells, sim), usageTable(cells, sim), gatesTable(cells, sim)])
      expect(renderMarkdown(t).split('\n')[0]).toMatch(/^# .* — quick — simulated model/);
    expect(renderMarkdown(mainTable(cells, { experiment: 'paper', simulated: false }))).not.toMatch(
      /simulated/,
    );
  });

  it('puts the paper numbers in their own reported columns beside ours', () => {
    const md = renderMarkdown(mainTable(cells, sim));
    expect(md).toContain('test % (reported)');
    const gdpoRow = md.split('\n').find((l) => l.startsWith('| object-count | gdpo'));
    expect(gdpoRow).toContain('93.75');
    expect(gdpoRow).toContain('LLM-AutoDiff');
    const miproRow = md.split('\n').find((l) => l.startsWith('| object-count | mipro'));
    expect(miproRow).toContain('DSPy(5+2)');
    const agentStart = md.split('\n').find((l) => l.startsWith('| hotpot-agent | start'));
    expect(agentStart).toContain('16.50');
  });

  it('writes CSV that csv-parse reads back to the same numbers', () => {
    const rows: Array<Record<string, string>> = parse(renderCsv(mainTable(cells, sim)), { columns: true });
    expect(rows).toHaveLength(cells.length);
    for (const [i, cell] of cells.entries()) {
      const row = rows[i] as Record<string, string>;
      expect(row.model).toBe('simulated model');
      expect(row.pipeline).toBe(cell.pipeline);
      expect(Number(row.test_mean_pct)).toBeCloseTo((cell.test?.mean ?? Number.NaN) * 100, 3);
      expect(Number(row.test_best_pct)).toBeCloseTo((cell.test?.max ?? Number.NaN) * 100, 3);
      expect(Number(row.val_std_pct)).toBeCloseTo((cell.val?.std ?? Number.NaN) * 100, 3);
    }
    expect(rows.find((r) => r.pipeline === 'object-count' && r.method === 'gdpo')?.reported_test_pct).toBe(
      '93.75',
    );
    const usage: Array<Record<string, string>> = parse(renderCsv(usageTable(cells, sim)), { columns: true });
    const gdpo = cells.find((c) => c.method === 'gdpo' && c.pipeline === 'object-count');
    const usageRow = usage.find((r) => r.method === 'gdpo' && r.pipeline === 'object-count');
    expect(Number(usageRow?.optimizer_total_tokens)).toBe(gdpo?.usage.optimizer?.totalTokens);
    expect(Number(usageRow?.task_calls)).toBe(gdpo?.usage.task?.calls);
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
