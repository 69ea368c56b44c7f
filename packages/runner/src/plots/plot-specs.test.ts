/** The data behind each plot, checked against the run records it comes from; then the SVGs themselves. */
import { describe, expect, it } from 'vitest';
import { syntheticRun } from '../../testing/run-fixtures';
import { runCost } from '../costs/run-cost';
import type { SavedRun } from '../repro/run-record';
import { summarize } from '../tables/summary';
import {
  costCurves,
  meanCurves,
  methodColors,
  runCostPoints,
  startLevels,
  stepCurves,
  tokensByRole,
} from './plot-data';
import { plotSpecs } from './plot-specs';
import { renderSvg } from './render-svg';

const saved = (pipeline: string, method: string, repeat: number, steps?: number): SavedRun => {
  const { record, steps: lines } = syntheticRun({ pipeline, method, repeat, steps });
  return { dir: '', record, steps: lines, graphs: [] };
};

// Two GDPO repeats of different lengths (3 and 5 steps), one start run.
const a = saved('trec', 'gdpo', 0, 3);
const b = saved('trec', 'gdpo', 1, 5);
const start = saved('trec', 'start', 0);
const runs = [a, b, start];
const valAt = (r: SavedRun, step: number) => r.steps.find((s) => s.step === step)?.valScore;

describe('plot data against the run records', () => {
  it('averages per step only where every repeat has a value, carrying a finished run forward', () => {
    const means = meanCurves(runs, stepCurves);
    const at = (split: string, x: number) => means.find((p) => p.split === split && p.x === x);
    expect(at('validation', 0)?.accuracy).toBeCloseTo(
      ((a.record.initial.val + b.record.initial.val) / 2) * 100,
      3,
    );
    expect(at('validation', 2)?.accuracy).toBeCloseTo(
      (((valAt(a, 2) ?? 0) + (valAt(b, 2) ?? 0)) / 2) * 100,
      3,
    );
    expect(at('validation', 2)?.carried).toBe(false);
    // After run a's last step (3) its last value is carried forward, and the point says so.
    expect(at('validation', 5)?.accuracy).toBeCloseTo(
      (((valAt(a, 3) ?? 0) + (valAt(b, 5) ?? 0)) / 2) * 100,
      3,
    );
    expect(at('validation', 5)?.carried).toBe(true);
    expect(at('validation', 6)).toBeUndefined();
    // Test: initial at 0, the final test of the best values at each run's last step; no mean in between
    // (run b has no test value at steps 1..4), so no point joins different repeats.
    expect(at('test', 0)?.accuracy).toBeCloseTo(
      ((a.record.initial.test + b.record.initial.test) / 2) * 100,
      3,
    );
    expect(at('test', 3)).toBeUndefined();
    expect(at('test', 5)?.accuracy).toBeCloseTo(
      (((a.record.final.test ?? 0) + (b.record.final.test ?? 0)) / 2) * 100,
      3,
    );
    expect(at('test', 5)?.carried).toBe(true);
    // start is no curve: it is a reference level.
    expect(means.some((p) => p.method === 'start')).toBe(false);
    expect(startLevels(runs)).toEqual([
      { split: 'validation', accuracy: Number((start.record.initial.val * 100).toFixed(4)) },
      { split: 'test', accuracy: Number((start.record.initial.test * 100).toFixed(4)) },
    ]);
  });

  it('puts each final test at the run’s whole requested cost, every repeat drawn', () => {
    for (const r of [a, b]) {
      const test = costCurves(r).test;
      expect(test.at(-1)).toEqual({ x: 1, accuracy: r.record.final.test, tokens: runCost(r.record).tokens });
      const val = costCurves(r).validation;
      expect(val).toHaveLength(r.steps.filter((s) => s.phase === 'text').length + 1);
      for (let i = 1; i < val.length; i++)
        expect(val[i]?.tokens ?? 0).toBeGreaterThan(val[i - 1]?.tokens ?? Number.POSITIVE_INFINITY);
    }
    const points = runCostPoints(runs);
    expect(new Set(points.map((p) => p.run))).toEqual(new Set([a.record.runId, b.record.runId]));
  });

  it('shows requested tokens per role and the billed total of each cell', () => {
    const cells = summarize({ runs });
    const data = tokensByRole(cells);
    const gdpo = cells.find((c) => c.method === 'gdpo');
    const task = data.find((d) => d.kind === 'requested' && d.series === 'gdpo' && d.role === 'task');
    expect(task?.tokens).toBeCloseTo(gdpo?.usage.task?.requested.tokens ?? -1, 3);
    const billed = data.find((d) => d.kind === 'billed' && d.series === 'gdpo');
    expect(billed?.tokens).toBeCloseTo(gdpo?.total.billed.tokens ?? -1, 3);
  });

  it('draws each equal-budget level as its own mean curve, told apart by a dash pattern', async () => {
    const atLevel = (run: SavedRun, amount: number): SavedRun => {
      const budgetLevel = { label: `tokens-${amount}`, unit: 'tokens' as const, amount, usedUp: true };
      const runId = run.record.runId.replace('__gdpo__', `__gdpo@tokens-${amount}__`);
      return { ...run, record: { ...run.record, runId, budgetLevel } };
    };
    const levelled = [atLevel(a, 20000), atLevel(b, 20000), atLevel(a, 60000), atLevel(b, 60000), start];
    const means = meanCurves(levelled, costCurves);
    expect(new Set(means.map((m) => `${m.series} | ${m.budget}`))).toEqual(
      new Set(['gdpo @ tokens-20000 | 20k tokens', 'gdpo @ tokens-60000 | 60k tokens']),
    );
    const cost = plotSpecs(levelled, summarize({ runs: levelled }), true).find((p) =>
      p.name.startsWith('accuracy-vs-cost'),
    );
    expect(JSON.stringify(cost?.spec)).toContain('"strokeDash":{"field":"budget"');
    const svg = await renderSvg(cost as NonNullable<typeof cost>);
    for (const level of ['20k tokens', '60k tokens']) expect(svg).toContain(`>${level}<`);
    // Without levels the cost plot has no budget legend.
    const plain = plotSpecs(runs, summarize({ runs }), true).find((p) =>
      p.name.startsWith('accuracy-vs-cost'),
    );
    expect(JSON.stringify(plain?.spec)).not.toContain('strokeDash":{"field"');
  });

  it('gives each method one colour, the same in every plot', () => {
    const colors = methodColors(runs);
    expect(colors.domain).toEqual(['start', 'gdpo']);
    for (const spec of plotSpecs(runs, summarize({ runs }), true)) {
      const text = JSON.stringify(spec.spec);
      if (!text.includes('"field":"method"')) continue;
      expect(text).toContain(JSON.stringify({ domain: colors.domain, range: colors.range }));
    }
  });
});

describe('plots', () => {
  it('renders every plot to SVG, with legends and within the report column, the same bytes every time', async () => {
    const specs = plotSpecs(runs, summarize({ runs }), true);
    expect(specs.map((s) => s.name)).toEqual([
      'accuracy-per-step-trec',
      'accuracy-vs-cost-trec',
      'tokens-by-role',
    ]);
    for (const spec of specs) {
      const svg = await renderSvg(spec);
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('simulated model');
      expect(await renderSvg(spec)).toBe(svg);
      const width = Number(/^<svg[^>]* width="(\d+(?:\.\d+)?)"/.exec(svg)?.[1]);
      expect(width).toBeLessThanOrEqual(1150);
      expect(svg).toContain('role-legend');
    }
    const tokens = await renderSvg(specs[2] as (typeof specs)[number]);
    for (const word of ['gdpo', 'start', 'task', 'backward', 'optimizer'])
      expect(tokens).toContain(`>${word}<`);
  });
});
