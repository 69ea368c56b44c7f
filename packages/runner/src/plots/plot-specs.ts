/**
 * Vega-Lite specs of an experiment's plots, built from saved runs only: accuracy per step per method
 * (validation and test, one file per pipeline), tokens per role per method, accuracy against tokens.
 * Values are means over repeats; rows are emitted in a stable order so the SVG is byte-identical.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { SavedRun } from '../repro/run-record';
import { allRoles, type CellSummary, runTest, trainingSteps } from '../tables/summary';

export interface PlotSpec {
  /** File stem under plots/. */
  name: string;
  title: string;
  spec: TopLevelSpec;
}

const FONT = 'Helvetica, Arial, sans-serif';
const CONFIG = { font: FONT, view: { stroke: '#ccc' }, axis: { labelFontSize: 11, titleFontSize: 12 } };
const round = (x: number) => Number(x.toFixed(4));

/** A safe file stem: letters, digits, dash, dot. */
export function fileStem(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]+/g, '_');
}

interface StepPoint {
  method: string;
  split: 'validation' | 'test';
  step: number;
  accuracy: number;
}

/** Mean accuracy per (method, split, step) over the repeats that reached the step; step 0 = initial. */
export function accuracyPerStep(runs: readonly SavedRun[]): StepPoint[] {
  const sums = new Map<string, { point: Omit<StepPoint, 'accuracy'>; total: number; n: number }>();
  const add = (method: string, split: StepPoint['split'], step: number, value: number | undefined) => {
    if (value === undefined) return;
    const key = `${method}\u0000${split}\u0000${String(step).padStart(6, '0')}`;
    const entry = sums.get(key) ?? { point: { method, split, step }, total: 0, n: 0 };
    entry.total += value;
    entry.n += 1;
    sums.set(key, entry);
  };
  for (const { record, steps } of runs) {
    add(record.method, 'validation', 0, record.initial.val);
    add(record.method, 'test', 0, record.initial.test);
    // Evaluation-only records: 'init' repeats step 0; 'final' holds the test of the best values, drawn at
    // the last training step (training steps usually carry no test score).
    const training = trainingSteps({ steps });
    const last = training.at(-1);
    for (const s of training) {
      add(record.method, 'validation', s.step, s.valScore);
      add(record.method, 'test', s.step, s.testScore);
    }
    const final = steps.find((s) => s.phase === 'final');
    if (last && last.testScore === undefined) add(record.method, 'test', last.step, final?.testScore);
  }
  return [...sums.keys()].sort().map((k) => {
    const e = sums.get(k) as { point: Omit<StepPoint, 'accuracy'>; total: number; n: number };
    return { ...e.point, accuracy: round((e.total / e.n) * 100) };
  });
}

function accuracyPerStepSpec(pipeline: string, runs: readonly SavedRun[], suffix: string): PlotSpec {
  const title = `Accuracy per step — ${pipeline}${suffix}`;
  return {
    name: `accuracy-per-step-${fileStem(pipeline)}`,
    title,
    spec: {
      title,
      config: CONFIG,
      data: { values: accuracyPerStep(runs) },
      facet: { column: { field: 'split', type: 'nominal', title: null, sort: ['validation', 'test'] } },
      spec: {
        width: 260,
        height: 180,
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'step', type: 'quantitative', title: 'step', axis: { tickMinStep: 1 } },
          y: { field: 'accuracy', type: 'quantitative', title: 'accuracy % (mean over repeats)' },
          color: { field: 'method', type: 'nominal', sort: 'ascending' },
        },
      },
    },
  };
}

/** One panel per pipeline, each with its own scale on the given axes (pipelines differ in size). */
function panelPerPipeline(independent: Array<'x' | 'y'>) {
  return {
    facet: {
      column: { field: 'pipeline', type: 'nominal' as const, title: null, sort: 'ascending' as const },
    },
    resolve: { scale: Object.fromEntries(independent.map((axis) => [axis, 'independent' as const])) },
  };
}

function tokensByRoleSpec(cells: readonly CellSummary[], suffix: string): PlotSpec {
  const roles = allRoles(cells);
  const values = cells.flatMap((c) =>
    roles.map((role, order) => ({
      pipeline: c.pipeline,
      method: c.method,
      role,
      order,
      tokens: round(c.usage[role]?.requested.tokens ?? 0),
    })),
  );
  const title = `Tokens per role per method (mean per run)${suffix}`;
  return {
    name: 'tokens-by-role',
    title,
    spec: {
      title,
      config: CONFIG,
      data: { values },
      ...panelPerPipeline(['y']),
      spec: {
        width: 160,
        height: 180,
        mark: 'bar',
        encoding: {
          x: { field: 'method', type: 'nominal', sort: 'ascending', title: null },
          y: { field: 'tokens', type: 'quantitative', title: 'tokens', stack: 'zero' },
          color: { field: 'role', type: 'nominal', sort: roles },
          order: { field: 'order', type: 'quantitative' },
        },
      },
    },
  };
}

function accuracyVsTokensSpec(runs: readonly SavedRun[], suffix: string): PlotSpec {
  const values = runs.flatMap(({ record }) => {
    const test = runTest(record);
    if (test === undefined) return [];
    const tokens = Object.values(record.usage).reduce((a, u) => a + u.totalTokens, 0);
    return [
      {
        pipeline: record.pipeline,
        method: record.method,
        repeat: record.repeat,
        tokens,
        accuracy: round(test * 100),
      },
    ];
  });
  const title = `Test accuracy against tokens spent (one point per run)${suffix}`;
  return {
    name: 'accuracy-vs-tokens',
    title,
    spec: {
      title,
      config: CONFIG,
      data: { values },
      ...panelPerPipeline(['x', 'y']),
      spec: {
        width: 200,
        height: 180,
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          x: { field: 'tokens', type: 'quantitative', title: 'tokens (all roles)', scale: { zero: false } },
          y: { field: 'accuracy', type: 'quantitative', title: 'test accuracy %', scale: { zero: false } },
          color: { field: 'method', type: 'nominal', sort: 'ascending' },
          shape: { field: 'method', type: 'nominal', sort: 'ascending' },
        },
      },
    },
  };
}

/** Every plot of an experiment: one accuracy-per-step plot per pipeline, then the two overviews. */
export function plotSpecs(
  runs: readonly SavedRun[],
  cells: readonly CellSummary[],
  simulated: boolean,
): PlotSpec[] {
  const suffix = simulated ? ' — simulated model' : '';
  const byPipeline = new Map<string, SavedRun[]>();
  for (const run of runs) {
    const list = byPipeline.get(run.record.pipeline) ?? [];
    list.push(run);
    byPipeline.set(run.record.pipeline, list);
  }
  const pipelines = [...byPipeline.keys()].sort();
  return [
    ...pipelines.map((p) => accuracyPerStepSpec(p, byPipeline.get(p) ?? [], suffix)),
    tokensByRoleSpec(cells, suffix),
    accuracyVsTokensSpec(runs, suffix),
  ];
}
