/**
 * The data behind every plot, computed from saved runs only and shaped so it shows nothing the runs do
 * not hold: a mean over repeats exists only where every repeat has a value (a run that finished keeps its
 * last value afterwards, flagged `carried`); `start` is a reference level, not a curve; cost is the
 * requested cost (cache hits included). Pure and in a stable order, so the SVGs are byte-identical.
 */
import { levelText } from '../costs/requested-budget';
import { roleCosts } from '../costs/run-cost';
import type { SavedRun, SavedStep } from '../repro/run-record';
import { methodsInOrder } from '../tables/order';
import { allRoles, type CellSummary, cellLabel, runTest, trainingSteps } from '../tables/summary';

export type Split = 'validation' | 'test';

const round = (x: number) => Number(x.toFixed(4));
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** One point of one run's curve: x is a step (or a step index on the cost plot). */
export interface RunPoint {
  x: number;
  accuracy: number;
  tokens?: number;
}

/** A mean over the repeats of one series (method, at a budget level), where every repeat has a value. */
export interface MeanPoint {
  series: string;
  method: string;
  split: Split;
  x: number;
  /** Accuracy in percent. */
  accuracy: number;
  /** Mean cumulative requested tokens (cost plot only). */
  tokens?: number;
  /** Some repeat had finished before x: its last value is carried forward. */
  carried: boolean;
  repeats: number;
  /** The equal-budget level of the series ("20k tokens"), when the experiment has levels. */
  budget?: string;
}

const seriesOf = (run: SavedRun) =>
  cellLabel({
    method: run.record.method,
    budget: run.record.budgetLevel ? { ...run.record.budgetLevel, unusedRuns: 0 } : undefined,
  });

/** Requested tokens of a step record (its calls' tokens, those the cache served included). */
function stepTokens(step: SavedStep): number {
  let total = 0;
  for (const u of Object.values(step.usage ?? {})) {
    const hits = (u as { cacheHitTokens?: unknown }).cacheHitTokens;
    total += u.promptTokens + u.completionTokens + (typeof hits === 'number' ? hits : 0);
  }
  return total;
}

/** A run's validation and test curves by step: step 0 = initial; the final test at its last step. */
export function stepCurves(run: SavedRun): Record<Split, RunPoint[]> {
  const { record, steps } = run;
  const training = trainingSteps({ steps });
  const validation: RunPoint[] = [{ x: 0, accuracy: record.initial.val }];
  for (const s of training) validation.push({ x: s.step, accuracy: s.valScore });
  const test: RunPoint[] = [{ x: 0, accuracy: record.initial.test }];
  const finalTest = runTest(record);
  const last = training.at(-1)?.step ?? 0;
  if (finalTest !== undefined && last > 0) test.push({ x: last, accuracy: finalTest });
  return { validation, test };
}

/**
 * A run's curves against cumulative requested tokens: validation after the initial evaluation and after
 * each training step (x = step index); test at the initial evaluation (x = 0) and, with the best values,
 * at the run's whole requested cost (x = 1).
 */
export function costCurves(run: SavedRun): Record<Split, RunPoint[]> {
  const { record, steps } = run;
  const init = steps.find((s) => s.phase === 'init');
  let tokens = init ? stepTokens(init) : 0;
  const validation: RunPoint[] = [{ x: 0, accuracy: record.initial.val, tokens }];
  for (const s of trainingSteps({ steps })) {
    tokens += stepTokens(s);
    validation.push({ x: validation.length, accuracy: s.valScore, tokens });
  }
  const total = Object.values(record.usage).reduce((a, u) => a + roleCosts(u).requested.tokens, 0);
  const test: RunPoint[] = [{ x: 0, accuracy: record.initial.test, tokens: validation[0]?.tokens ?? 0 }];
  const finalTest = runTest(record);
  if (finalTest !== undefined && steps.length > 0) test.push({ x: 1, accuracy: finalTest, tokens: total });
  return { validation, test };
}

/**
 * Means over the repeats of each series at each x where every repeat has a value: its own, or, after the
 * run's last point, that last point carried forward (flagged). A repeat without a value at an x before
 * its end (a gap) leaves that x without a mean.
 */
export function meanCurves(
  runs: readonly SavedRun[],
  curves: (run: SavedRun) => Record<Split, RunPoint[]>,
): MeanPoint[] {
  const groups = new Map<string, SavedRun[]>();
  for (const run of runs) {
    if (run.record.method === 'start') continue;
    const key = seriesOf(run);
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const out: MeanPoint[] = [];
  for (const [series, members] of groups) {
    const method = members[0]?.record.method as string;
    const level = members[0]?.record.budgetLevel;
    const budget = level ? { budget: levelText(level) } : {};
    const all = members.map(curves);
    for (const split of ['validation', 'test'] as const) {
      const lines = all.map((c) => c[split]);
      const xs = [...new Set(lines.flatMap((l) => l.map((p) => p.x)))].sort((a, b) => a - b);
      for (const x of xs) {
        const values = lines.map((l) => {
          const own = l.find((p) => p.x === x);
          if (own) return { point: own, carried: false };
          const last = l.at(-1);
          return last && last.x < x ? { point: last, carried: true } : undefined;
        });
        if (values.some((v) => v === undefined)) continue;
        const got = values as Array<{ point: RunPoint; carried: boolean }>;
        const mean = (f: (p: RunPoint) => number) => got.reduce((a, v) => a + f(v.point), 0) / got.length;
        const withTokens = got.every((v) => v.point.tokens !== undefined);
        out.push({
          series,
          method,
          split,
          x,
          accuracy: round(mean((p) => p.accuracy) * 100),
          ...(withTokens ? { tokens: round(mean((p) => p.tokens ?? 0)) } : {}),
          carried: got.some((v) => v.carried),
          repeats: got.length,
          ...budget,
        });
      }
    }
  }
  return out.sort((a, b) => byName(a.series, b.series) || byName(a.split, b.split) || a.x - b.x);
}

/** `start`'s mean accuracy per split (the reference level every curve is read against). */
export function startLevels(runs: readonly SavedRun[]): Array<{ split: Split; accuracy: number }> {
  const starts = runs.filter((r) => r.record.method === 'start');
  if (starts.length === 0) return [];
  const mean = (f: (r: SavedRun) => number) =>
    round((starts.reduce((a, r) => a + f(r), 0) / starts.length) * 100);
  return [
    { split: 'validation', accuracy: mean((r) => r.record.initial.val) },
    { split: 'test', accuracy: mean((r) => r.record.initial.test) },
  ];
}

/** Every repeat's own points on the cost plot (drawn faintly under the means). */
export function runCostPoints(runs: readonly SavedRun[]) {
  return runs
    .filter((r) => r.record.method !== 'start')
    .flatMap((run) => {
      const curves = costCurves(run);
      return (['validation', 'test'] as const).flatMap((split) =>
        curves[split].map((p) => ({
          series: seriesOf(run),
          method: run.record.method,
          run: run.record.runId,
          split,
          x: p.x,
          tokens: p.tokens ?? 0,
          accuracy: round(p.accuracy * 100),
        })),
      );
    });
}

/** Requested tokens per role and the billed total, per cell (mean per run). */
export function tokensByRole(cells: readonly CellSummary[]) {
  const roles = allRoles(cells);
  return cells.flatMap((c) => [
    ...roles.map((role, order) => ({
      kind: 'requested' as const,
      pipeline: c.pipeline,
      series: cellLabel(c),
      role,
      order,
      tokens: round(c.usage[role]?.requested.tokens ?? 0),
    })),
    {
      kind: 'billed' as const,
      pipeline: c.pipeline,
      series: cellLabel(c),
      tokens: round(c.total.billed.tokens),
    },
  ]);
}

/** The colour scale every plot uses for methods: the same method has the same colour everywhere. */
export const PALETTE = [
  '#7f7f7f',
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#bcbd22',
  '#17becf',
];

export function methodColors(runs: readonly SavedRun[]): { domain: string[]; range: string[] } {
  const domain = methodsInOrder(runs.map((r) => r.record.method));
  return { domain, range: domain.map((_, i) => PALETTE[i % PALETTE.length] as string) };
}
