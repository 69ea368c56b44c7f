import { describe, expect, it } from 'vitest';
import { type SyntheticRunOptions, syntheticRun } from '../../testing/run-fixtures';
import type { SavedRun } from '../repro/run-record';
import { bootstrapDiff, pointMean, single } from './bootstrap';
import { compareExperiments, comparisonMarkdown, DEFAULT_TOLERANCES, verdict } from './compare';
import { settingsWarning } from './settings-diff';
import { parseTolerances, ToleranceError } from './tolerances';

const exp = (extra: Partial<SyntheticRunOptions> = {}, repeats = 3) => ({
  simulated: true,
  runs: Array.from({ length: repeats }, (_, repeat): SavedRun => {
    const { record, steps } = syntheticRun({
      pipeline: 'trec',
      method: 'gdpo',
      repeat,
      testSize: 60,
      ...extra,
    });
    return { dir: '', record, steps, graphs: [] };
  }),
});

describe('bootstrap', () => {
  const scores = (xs: number[]) => new Map(xs.map((x, i) => [`e${i}`, x]));

  it('gives [0, 0] for identical paired samples and brackets a real difference', () => {
    const a = [scores([1, 0, 1, 1, 0, 1, 0, 1]), scores([1, 1, 1, 0, 0, 1, 0, 1])];
    expect(bootstrapDiff(a, a)).toEqual({ lo: 0, hi: 0 });
    const b = [scores([0, 0, 1, 0, 0, 1, 0, 0]), scores([0, 1, 0, 0, 0, 1, 0, 0])];
    const ci = bootstrapDiff(a, b);
    const diff = pointMean(b) - pointMean(a);
    expect(ci.lo).toBeLessThan(diff);
    expect(ci.hi).toBeGreaterThan(diff);
    expect(ci.hi).toBeLessThan(0);
    expect(bootstrapDiff(a, b)).toEqual(ci);
    expect(bootstrapDiff(a, b, { seed: 7 })).not.toEqual(ci);
  });

  it('resamples repeats of per-run values', () => {
    const ci = bootstrapDiff([single(10), single(12)], [single(20), single(30), single(25)]);
    expect(ci.lo).toBeGreaterThanOrEqual(8);
    expect(ci.hi).toBeLessThanOrEqual(20);
  });
});

describe('compareExperiments', () => {
  it('finds no regression between identical experiments', () => {
    const c = compareExperiments(exp(), exp());
    expect(c.regressions).toBe(0);
    expect(c.rows.every((r) => r.diff === 0 && r.ci?.lo === 0 && r.ci?.hi === 0)).toBe(true);
    expect(c.rows.every((r) => r.verdict === 'unchanged' || r.verdict === 'info')).toBe(true);
    expect(c.warning).toBeUndefined();
    expect(comparisonMarkdown(c)).toContain('No regression beyond the tolerances.');
  });

  it('flags an accuracy drop beyond the tolerance, with a CI below zero', () => {
    const c = compareExperiments(exp(), exp({ accuracy: 0.2 }));
    const test = c.rows.find((r) => r.metric === 'test accuracy %');
    expect(test?.verdict).toBe('regression');
    expect(test?.ci?.hi).toBeLessThan(0);
    expect(c.regressions).toBe(1);
  });

  it('flags calls and tokens rising beyond the tolerance, per role and in total', () => {
    const c = compareExperiments(exp(), exp({ costFactor: 1.2 }));
    const flagged = c.rows.filter((r) => r.verdict === 'regression').map((r) => r.metric);
    expect(flagged).toEqual(
      expect.arrayContaining(['task calls', 'backward tokens', 'all calls', 'all tokens']),
    );
    expect(flagged).not.toContain('test accuracy %');
    const relaxed = compareExperiments(exp(), exp({ costFactor: 1.2 }), {
      ...DEFAULT_TOLERANCES,
      callsRisePct: 25,
      tokensRisePct: 25,
    });
    expect(relaxed.regressions).toBe(0);
    expect(
      compareExperiments(exp({ costFactor: 1.2 }), exp()).rows.some((r) => r.verdict === 'improved'),
    ).toBe(true);
  });

  it('compares a rerun served from the cache equal to a fresh run, both ways', () => {
    for (const [a, b] of [
      [exp(), exp({ fromCache: true })],
      [exp({ fromCache: true }), exp()],
    ] as const) {
      const c = compareExperiments(a, b);
      expect(c.regressions).toBe(0);
      expect(c.rows.filter((r) => r.kind === 'calls' || r.kind === 'tokens').every((r) => r.diff === 0)).toBe(
        true,
      );
    }
    // ...and a cached rerun that asked for more still regresses.
    expect(compareExperiments(exp(), exp({ fromCache: true, costFactor: 1.2 })).regressions).toBeGreaterThan(
      0,
    );
  });

  it('counts a cell missing from the new experiment as a regression', () => {
    const c = compareExperiments(exp(), { simulated: true, runs: [] });
    expect(c.rows).toEqual([
      expect.objectContaining({ pipeline: 'trec', method: 'gdpo', verdict: 'missing' }),
    ]);
    expect(c.regressions).toBe(1);
  });

  it('an info figure gone from the new runs is shown, not counted; a gone accuracy figure is a regression', () => {
    const old = exp();
    const noGates = exp();
    for (const r of noGates.runs) r.record.gates = undefined;
    const c = compareExperiments(old, noGates);
    expect(c.rows).toContainEqual(expect.objectContaining({ metric: 'gate tried', verdict: 'info' }));
    expect(c.regressions).toBe(0);
    // Partial runs have no test score: that accuracy figure is lost, which counts.
    const lost = compareExperiments(old, exp({ status: 'partial' }));
    expect(lost.rows).toContainEqual(
      expect.objectContaining({ metric: 'test accuracy %', verdict: 'missing' }),
    );
    expect(lost.regressions).toBeGreaterThan(0);
  });
});

describe('verdicts follow their intervals', () => {
  const t = DEFAULT_TOLERANCES; // accuracy 1 pt, calls 5 %, tokens 5 %

  it('says "no evidence" when the interval holds zero, however large the point difference', () => {
    // The cases of issue 24: +14.8 % teacher calls with CI [−3.0, +7.0]; test +4.17 with CI [−12.5, +20.8].
    expect(verdict('calls', 20.3, 3, { lo: -3, hi: 7 }, t)).toBe('no evidence');
    expect(verdict('accuracy', 50, 4.17, { lo: -12.5, hi: 20.8 }, t)).toBe('no evidence');
    expect(verdict('accuracy', 50, -6, { lo: -12, hi: 0.5 }, t)).toBe('no evidence');
  });

  it('calls a regression or an improvement only when the whole interval is beyond the tolerance', () => {
    expect(verdict('accuracy', 80, -5, { lo: -8, hi: -2 }, t)).toBe('regression');
    expect(verdict('accuracy', 80, -2, { lo: -3, hi: -0.5 }, t)).toBe('within tolerance');
    expect(verdict('accuracy', 80, 4, { lo: 2, hi: 6 }, t)).toBe('improved');
    expect(verdict('accuracy', 80, 1, { lo: 0.5, hi: 1.5 }, t)).toBe('within tolerance');
    // Costs: the tolerance is a percent of the old value (5 % of 100 = 5).
    expect(verdict('tokens', 100, 8, { lo: 6, hi: 9 }, t)).toBe('regression');
    expect(verdict('tokens', 100, 8, { lo: 4, hi: 9 }, t)).toBe('within tolerance');
    expect(verdict('calls', 100, -8, { lo: -9, hi: -6 }, t)).toBe('improved');
    expect(verdict('calls', 0, 3, { lo: 2, hi: 4 }, t)).toBe('regression');
    expect(verdict('calls', 100, 0, { lo: 0, hi: 0 }, t)).toBe('unchanged');
    expect(verdict('info', 100, 50, { lo: 40, hi: 60 }, t)).toBe('info');
  });

  it('turns a noisy drop into "no evidence" in a whole comparison, and a consistent one into a regression', () => {
    // Repeat 0 drops a lot, repeat 1 gains: the interval of the mean holds zero.
    const noisy = {
      simulated: true,
      runs: [0, 1].map((repeat): SavedRun => {
        const { record, steps } = syntheticRun({
          pipeline: 'trec',
          method: 'gdpo',
          repeat,
          accuracy: repeat === 0 ? 0.3 : 0.95,
        });
        return { dir: '', record, steps, graphs: [] };
      }),
    };
    const base = exp({}, 2);
    const test = compareExperiments(base, noisy).rows.find((r) => r.metric === 'test accuracy %');
    expect(test?.ci?.lo).toBeLessThan(0);
    expect(test?.ci?.hi).toBeGreaterThan(0);
    expect(test?.verdict).toBe('no evidence');
  });
});

describe('settings warning', () => {
  it('warns in one line when seeds, pipelines, sizes or models differ, and not otherwise', () => {
    expect(settingsWarning(exp(), exp())).toBeUndefined();
    const reseeded = (e: ReturnType<typeof exp>) => ({
      ...e,
      runs: e.runs.map((r) => ({ ...r, record: { ...r.record, seed: r.record.seed + 100 } })),
    });
    const seeds = settingsWarning(exp(), reseeded(exp()));
    expect(seeds).toMatch(/^Warning: the experiments differ in seeds 2025, 2026, 2027 → 2125, 2126, 2127:/);
    expect(seeds).not.toContain('\n');
    const other = {
      runs: exp({ pipeline: 'object-count' }).runs,
      experiment: { sizes: { train: 8 } },
    };
    const line = settingsWarning({ ...exp(), experiment: { sizes: { train: 24 } } }, other) ?? '';
    expect(line).toContain('pipelines trec → object-count');
    expect(line).toContain('sizes {"train":24} → {"train":8}');
    const c = compareExperiments(exp(), reseeded(exp()));
    expect(comparisonMarkdown(c).split('\n')[2]).toBe(c.warning);
  });
});

describe('parseTolerances', () => {
  it('overrides named keys and keeps the other defaults', () => {
    expect(parseTolerances('accuracy=0.5, tokens=10')).toEqual({
      accuracyDropPts: 0.5,
      callsRisePct: 5,
      tokensRisePct: 10,
    });
    expect(parseTolerances(undefined)).toEqual(DEFAULT_TOLERANCES);
  });

  it('refuses unknown keys and bad numbers in one line', () => {
    expect(() => parseTolerances('latency=3')).toThrow(ToleranceError);
    expect(() => parseTolerances('calls=-1')).toThrow('tolerance calls must be a number ≥ 0, got "-1"');
    expect(() => parseTolerances('calls=abc')).toThrow(/got "abc"/);
  });
});
