import { describe, expect, it } from 'vitest';
import { syntheticRun } from '../../testing/run-fixtures';
import type { SavedRun } from '../repro/run-record';
import { summarize } from '../tables/summary';
import { accuracyPerStep, plotSpecs } from './plot-specs';
import { renderSvg } from './render-svg';

const saved = (pipeline: string, method: string, repeat: number): SavedRun => {
  const { record, steps } = syntheticRun({ pipeline, method, repeat });
  return { dir: '', record, steps, graphs: [] };
};

describe('plots', () => {
  const runs = [saved('trec', 'gdpo', 0), saved('trec', 'gdpo', 1), saved('trec', 'start', 0)];

  it('averages accuracy per method, split and step over repeats (step 0 = initial)', () => {
    const points = accuracyPerStep(runs);
    const at = (method: string, split: string, step: number) =>
      points.find((p) => p.method === method && p.split === split && p.step === step)?.accuracy;
    const a = runs[0] as SavedRun;
    const b = runs[1] as SavedRun;
    expect(at('gdpo', 'validation', 0)).toBeCloseTo(
      ((a.record.initial.val + b.record.initial.val) / 2) * 100,
      3,
    );
    const valAt2 = (r: SavedRun) => r.steps.find((s) => s.step === 2)?.valScore ?? Number.NaN;
    expect(at('gdpo', 'validation', 2)).toBeCloseTo(((valAt2(a) + valAt2(b)) / 2) * 100, 3);
    // The final test (of the best values) is drawn at the last training step, not after it.
    const finalTest = (r: SavedRun) => r.record.final.test ?? Number.NaN;
    expect(at('gdpo', 'test', 3)).toBeCloseTo(((finalTest(a) + finalTest(b)) / 2) * 100, 3);
    expect(at('gdpo', 'test', 1)).toBeUndefined();
    expect(points.some((p) => p.step === 4)).toBe(false);
    expect(at('start', 'test', 1)).toBeUndefined();
  });

  it('renders every plot to SVG with the methods and roles in it, the same bytes every time', async () => {
    const specs = plotSpecs(runs, summarize({ runs }), true);
    expect(specs.map((s) => s.name)).toEqual([
      'accuracy-per-step-trec',
      'tokens-by-role',
      'accuracy-vs-tokens',
    ]);
    for (const spec of specs) {
      const svg = await renderSvg(spec);
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('simulated model');
      expect(await renderSvg(spec)).toBe(svg);
    }
    const tokens = await renderSvg(specs[1] as (typeof specs)[number]);
    for (const word of ['gdpo', 'start', 'task', 'backward', 'optimizer'])
      expect(tokens).toContain(`>${word}<`);
  });
});
