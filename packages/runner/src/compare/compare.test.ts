import { describe, expect, it } from 'vitest';
import { type SyntheticRunOptions, syntheticRun } from '../../testing/run-fixtures';
import type { SavedRun } from '../repro/run-record';
import { bootstrapDiff, pointMean, single } from './bootstrap';
import { compareExperiments, comparisonMarkdown, DEFAULT_TOLERANCES } from './compare';
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
