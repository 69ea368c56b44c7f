/**
 * Aggregates saved runs per pipeline × method over repeats: the numbers every table, plot and the
 * report show. Pure: the same runs give the same summary, in the same order.
 */

import { levelText } from '../costs/requested-budget';
import { type CostView, type RoleCosts, roleCosts, runCost } from '../costs/run-cost';
import type { RunGateCounts, RunRecord, SavedExperiment, SavedRun } from '../repro/run-record';
import { compareMethods, comparePipelines } from './order';

export interface Stat {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single repeat. */
  std: number;
  min: number;
  max: number;
}

/** Mean per run of the three cost views (costs/run-cost.ts): requested = billed + cached. */
export type RoleCost = RoleCosts;

export interface CellSummary {
  pipeline: string;
  method: string;
  /** The equal-budget level of the cell's runs; `unusedRuns`: runs that finished before spending it. */
  budget?: { label: string; amount: number; unusedRuns: number };
  runs: number;
  done: number;
  partial: number;
  failed: number;
  /** Final test score (scale 0..1) over runs that have one (done runs). */
  test?: Stat;
  /** Best validation score over runs that did not fail. */
  val?: Stat;
  initialTest?: Stat;
  /** Mean per run, by role (roles in `roleOrder`). */
  usage: Record<string, RoleCost>;
  /** Mean per run over all roles, each view. */
  total: RoleCost;
  /** Mean per run, over the runs that have gate counts (GDPO, GEPA); none for methods without gates. */
  gates?: RunGateCounts;
  wallMs: number;
  /** Mean training steps per run (the evaluation-only 'init' and 'final' records left out). */
  steps: number;
  /** The runs' teachers (run.json `teacher`: a model spec, "student" or "none"), distinct and sorted. */
  teachers: string[];
}

export function stat(values: readonly number[]): Stat | undefined {
  if (values.length === 0) return undefined;
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1) : 0;
  return { n, mean, std: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values) };
}

const ROLE_RANK = ['task', 'backward', 'optimizer', 'teacher'];

/** The paper's role order first (task, backward, optimizer, teacher), then any other role by name. */
export function roleOrder(roles: Iterable<string>): string[] {
  const rank = (r: string) => {
    const i = ROLE_RANK.indexOf(r);
    return i < 0 ? ROLE_RANK.length : i;
  };
  return [...new Set(roles)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** The gate counters in the order tables show them. */
export const GATE_KEYS: ReadonlyArray<keyof RunGateCounts> = [
  'tried',
  'unchanged',
  'parseFailures',
  'miniBatchPassed',
  'miniBatchFailed',
  'validationPassed',
  'validationFailed',
];
const meanOf = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** The test score of a run, if it has one: `start` runs (no training) use their initial test. */
export function runTest(r: RunRecord): number | undefined {
  if (r.status !== 'done') return undefined;
  return r.final.test ?? (r.steps === 0 ? r.initial.test : undefined);
}

/** Step records that trained (the trainer also records an 'init' and a 'final' evaluation). */
export function trainingSteps(run: Pick<SavedRun, 'steps'>): SavedRun['steps'] {
  return run.steps.filter((s) => s.step > 0 && s.phase !== 'init' && s.phase !== 'final');
}

function meanCosts(costs: readonly RoleCosts[]): RoleCost {
  const view = (v: CostView) => ({
    calls: meanOf(costs.map((c) => c[v].calls)),
    tokens: meanOf(costs.map((c) => c[v].tokens)),
  });
  return { requested: view('requested'), billed: view('billed'), cached: view('cached') };
}

function summarizeCell(runs: readonly SavedRun[]): CellSummary {
  const records = runs.map((r) => r.record);
  const first = records[0] as RunRecord;
  const roles = roleOrder(records.flatMap((r) => Object.keys(r.usage)));
  const usage: Record<string, RoleCost> = {};
  for (const role of roles) usage[role] = meanCosts(records.map((r) => roleCosts(r.usage[role])));
  const total = meanCosts(
    records.map((r) => ({
      requested: runCost(r),
      billed: runCost(r, 'billed'),
      cached: runCost(r, 'cached'),
    })),
  );
  const gated = records.flatMap((r) => (r.gates ? [r.gates] : []));
  let gates: RunGateCounts | undefined;
  if (gated.length > 0) {
    gates = {} as RunGateCounts;
    for (const k of GATE_KEYS) gates[k] = meanOf(gated.map((g) => g[k]));
  }
  const tests = records.map(runTest).filter((x): x is number => x !== undefined);
  const vals = records.filter((r) => r.status !== 'failed').map((r) => r.final.val);
  const byStatus = (s: RunRecord['status']) => records.filter((r) => r.status === s).length;
  const level = first.budgetLevel;
  return {
    pipeline: first.pipeline,
    method: first.method,
    ...(level
      ? {
          budget: {
            label: levelText(level),
            amount: level.amount,
            unusedRuns: records.filter((r) => !r.budgetLevel?.usedUp).length,
          },
        }
      : {}),
    runs: records.length,
    done: byStatus('done'),
    partial: byStatus('partial'),
    failed: byStatus('failed'),
    test: stat(tests),
    val: stat(vals),
    initialTest: stat(records.map((r) => r.initial.test)),
    usage,
    total,
    gates,
    wallMs: meanOf(records.map((r) => r.wallMs)),
    steps: meanOf(runs.map((r) => trainingSteps(r).length)),
    teachers: [...new Set(records.flatMap((r) => (r.teacher ? [r.teacher] : [])))].sort(),
  };
}

/** Groups runs into cells keyed `pipeline/method`; keys and runs keep the experiment's sorted order. */
export function groupCells(runs: readonly SavedRun[]): Map<string, SavedRun[]> {
  const cells = new Map<string, SavedRun[]>();
  for (const run of runs) {
    const key = cellKey(run.record.pipeline, run.record.method, run.record.budgetLevel?.label);
    const list = cells.get(key) ?? [];
    list.push(run);
    cells.set(key, list);
  }
  return cells;
}

export function cellKey(pipeline: string, method: string, budget?: string): string {
  return budget === undefined ? `${pipeline}/${method}` : `${pipeline}/${method}@${budget}`;
}

/** A cell's method as plots name it: `gdpo`, or `gdpo @ 20k tokens` at an equal-budget level. */
export function cellLabel(c: Pick<CellSummary, 'method' | 'budget'>): string {
  return c.budget ? `${c.method} @ ${c.budget.label}` : c.method;
}

/** A cell's budget column: the level, † when some repeat finished before using it up. */
export function budgetText(c: Pick<CellSummary, 'budget'>): string {
  if (!c.budget) return '';
  return `${c.budget.label}${c.budget.unusedRuns > 0 ? ` † (${c.budget.unusedRuns} not used up)` : ''}`;
}

/** One summary per pipeline × method, in the paper's order (tables/order.ts): pipeline, then method. */
export function summarize(exp: Pick<SavedExperiment, 'runs'>): CellSummary[] {
  return [...groupCells(exp.runs).values()]
    .map(summarizeCell)
    .sort(
      (a, b) =>
        comparePipelines(a.pipeline, b.pipeline) ||
        compareMethods(a.method, b.method) ||
        (a.budget?.amount ?? -1) - (b.budget?.amount ?? -1),
    );
}

/** Every role that appears in any cell, in `roleOrder`. */
export function allRoles(cells: readonly CellSummary[]): string[] {
  return roleOrder(cells.flatMap((c) => Object.keys(c.usage)));
}
