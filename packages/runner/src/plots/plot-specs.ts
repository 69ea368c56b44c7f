/**
 * Vega-Lite specs of an experiment's plots, from the data of plot-data.ts: accuracy per step (validation
 * and test, one file per pipeline), accuracy against requested tokens (one file per pipeline: every
 * repeat faint, the mean on top), and requested tokens per role with the billed total beside.
 * Every method keeps one colour across the plots; `start` is a dashed reference line; panels wrap at
 * three per row so a plot fits the report's column, with the legend below it.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { SavedRun } from '../repro/run-record';
import { pipelinesInOrder } from '../tables/order';
import { allRoles, type CellSummary } from '../tables/summary';
import {
  costCurves,
  meanCurves,
  methodColors,
  runCostPoints,
  startLevels,
  stepCurves,
  tokensByRole,
} from './plot-data';

export interface PlotSpec {
  /** File stem under plots/. */
  name: string;
  title: string;
  spec: TopLevelSpec;
}

const FONT = 'Helvetica, Arial, sans-serif';
const CONFIG = {
  font: FONT,
  view: { stroke: '#ccc' },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { orient: 'bottom' as const, direction: 'horizontal' as const, columns: 5, symbolOpacity: 1 },
};
const SPLITS = ['validation', 'test'];

/** A safe file stem: letters, digits, dash, dot. */
export function fileStem(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]+/g, '_');
}

type Colors = { domain: string[]; range: string[] };

const methodColor = (colors: Colors) => ({
  field: 'method',
  type: 'nominal' as const,
  title: 'method',
  scale: { domain: colors.domain, range: colors.range },
});

/** `start`'s level per split as a dashed rule in its colour. */
function startRule(colors: Colors) {
  return {
    transform: [{ filter: "datum.kind === 'start'" }],
    mark: { type: 'rule' as const, strokeDash: [5, 4], strokeWidth: 1.5 },
    encoding: { y: { field: 'accuracy', type: 'quantitative' as const }, color: methodColor(colors) },
  };
}

function accuracyPerStepSpec(pipeline: string, runs: readonly SavedRun[], colors: Colors, suffix: string) {
  const means = meanCurves(runs, stepCurves).map((p) => ({ kind: 'mean', step: p.x, ...p }));
  const start = startLevels(runs).map((s) => ({ kind: 'start', method: 'start', ...s }));
  const title = `Accuracy per step — ${pipeline}${suffix}`;
  const spec: TopLevelSpec = {
    title: {
      text: title,
      subtitle:
        'mean over repeats, only where every repeat has a value; faint points: a finished run carried forward; dashed: start',
    },
    config: CONFIG,
    data: { values: [...means, ...start] },
    facet: { column: { field: 'split', type: 'nominal', title: null, sort: SPLITS } },
    spec: {
      width: 300,
      height: 200,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'mean'" }],
          mark: { type: 'line' },
          encoding: {
            x: { field: 'step', type: 'quantitative', title: 'step', axis: { tickMinStep: 1 } },
            y: { field: 'accuracy', type: 'quantitative', title: 'accuracy % (mean over repeats)' },
            color: methodColor(colors),
            detail: { field: 'series', type: 'nominal' },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'mean'" }],
          mark: { type: 'point', filled: true, size: 40 },
          encoding: {
            x: { field: 'step', type: 'quantitative' },
            y: { field: 'accuracy', type: 'quantitative' },
            color: methodColor(colors),
            opacity: { condition: { test: 'datum.carried', value: 0.3 }, value: 1 },
          },
        },
        startRule(colors),
      ],
    },
  };
  return { name: `accuracy-per-step-${fileStem(pipeline)}`, title, spec };
}

function accuracyVsCostSpec(pipeline: string, runs: readonly SavedRun[], colors: Colors, suffix: string) {
  const repeats = runCostPoints(runs).map((p) => ({ kind: 'run', ...p }));
  const means = meanCurves(runs, costCurves).map((p) => ({ kind: 'mean', ...p }));
  const start = startLevels(runs).map((s) => ({ kind: 'start', method: 'start', ...s }));
  const title = `Accuracy against requested tokens — ${pipeline}${suffix}`;
  const x = { field: 'tokens', type: 'quantitative' as const, title: 'cumulative requested tokens' };
  // Equal-budget levels: one dash pattern per level, in its own legend (the colour stays the method's).
  const levels = [...new Set(means.flatMap((m) => (m.budget ? [m.budget] : [])))];
  const byLevel = levels.length
    ? {
        strokeDash: {
          field: 'budget',
          type: 'nominal' as const,
          title: 'budget',
          sort: levels,
          legend: {
            symbolType: 'stroke',
            symbolStrokeWidth: 2,
            symbolSize: 500,
            // The symbol's colour is otherwise left to a colour encoding this channel does not have.
            encode: { symbols: { update: { stroke: { value: '#444' } } } },
          },
        },
      }
    : {};
  const spec: TopLevelSpec = {
    title: {
      text: title,
      subtitle: levels.length
        ? 'validation after each step, test before and after; faint: each repeat, bold: the mean over repeats (dash pattern: budget level); grey dashed rule: start'
        : 'validation after each step, test before and after; faint: each repeat, bold: the mean over repeats; dashed: start',
    },
    config: CONFIG,
    data: { values: [...repeats, ...means, ...start] },
    facet: { column: { field: 'split', type: 'nominal', title: null, sort: SPLITS } },
    resolve: { scale: { x: 'independent' } },
    spec: {
      width: 300,
      height: 200,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'run'" }],
          mark: { type: 'line', opacity: 0.25, point: { opacity: 0.25, size: 15 } },
          encoding: {
            x,
            y: { field: 'accuracy', type: 'quantitative', title: 'accuracy %' },
            color: methodColor(colors),
            detail: { field: 'run', type: 'nominal' },
            order: { field: 'x', type: 'quantitative' },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'mean'" }],
          mark: { type: 'line', strokeWidth: 2.5, point: { size: 40, filled: true } },
          encoding: {
            x,
            y: { field: 'accuracy', type: 'quantitative' },
            color: methodColor(colors),
            detail: { field: 'series', type: 'nominal' },
            order: { field: 'x', type: 'quantitative' },
            ...byLevel,
          },
        },
        startRule(colors),
      ],
    },
  };
  return { name: `accuracy-vs-cost-${fileStem(pipeline)}`, title, spec };
}

function tokensByRoleSpec(cells: readonly CellSummary[], suffix: string): PlotSpec {
  const roles = allRoles(cells);
  const title = `Requested tokens per role (mean per run; black tick: billed)${suffix}`;
  const series = { field: 'series', type: 'nominal' as const, sort: null, title: null };
  return {
    name: 'tokens-by-role',
    title,
    spec: {
      title,
      config: CONFIG,
      data: { values: tokensByRole(cells) },
      facet: {
        field: 'pipeline',
        type: 'nominal',
        title: null,
        sort: pipelinesInOrder(cells.map((c) => c.pipeline)),
      },
      columns: 3,
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: 220,
        height: 160,
        layer: [
          {
            transform: [{ filter: "datum.kind === 'requested'" }],
            mark: 'bar',
            encoding: {
              x: series,
              y: { field: 'tokens', type: 'quantitative', title: 'tokens', stack: 'zero' },
              color: { field: 'role', type: 'nominal', sort: roles },
              order: { field: 'order', type: 'quantitative' },
            },
          },
          {
            transform: [{ filter: "datum.kind === 'billed'" }],
            mark: { type: 'tick', color: 'black', thickness: 2 },
            encoding: { x: series, y: { field: 'tokens', type: 'quantitative' } },
          },
        ],
      },
    },
  };
}

/** Every plot of an experiment: per pipeline accuracy per step and against cost, then tokens per role. */
export function plotSpecs(
  runs: readonly SavedRun[],
  cells: readonly CellSummary[],
  simulated: boolean,
): PlotSpec[] {
  const suffix = simulated ? ' — simulated model' : '';
  const colors = methodColors(runs);
  const pipelines = pipelinesInOrder(runs.map((r) => r.record.pipeline));
  const of = (p: string) => runs.filter((r) => r.record.pipeline === p);
  return [
    ...pipelines.map((p) => accuracyPerStepSpec(p, of(p), colors, suffix)),
    ...pipelines.map((p) => accuracyVsCostSpec(p, of(p), colors, suffix)),
    tokensByRoleSpec(cells, suffix),
  ];
}
