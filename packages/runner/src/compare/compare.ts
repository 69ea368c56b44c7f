/**
 * Regression tracking between two saved experiments: every cell of the tables (per pipeline × method:
 * test and validation accuracy, calls and tokens per role, wall-clock, proposals per gate) as old, new,
 * difference and a bootstrap confidence interval. The verdict follows the interval: a regression (or an
 * improvement) only when the whole interval lies beyond the tolerance on that side; "no evidence" when it
 * holds zero; "within tolerance" when it excludes zero but not the tolerance. A one-line warning says when
 * the two experiments differ in seeds, pipelines, sizes or models (their cells then measure other things).
 */
import { roleCosts, runCost } from '../costs/run-cost';
import type { RunRecord, RunRoleUsage, SavedExperiment, SavedRun } from '../repro/run-record';
import { formatCount } from '../tables/paper-tables';
import { markdownTable } from '../tables/render';
import { GATE_KEYS, groupCells, roleOrder, runTest } from '../tables/summary';
import {
  type BootstrapOptions,
  bootstrapDiff,
  type Interval,
  pointMean,
  type RepeatSample,
  single,
} from './bootstrap';
import { settingsWarning } from './settings-diff';

export interface Tolerances {
  /** Largest allowed drop of mean test or validation accuracy, in percentage points. */
  accuracyDropPts: number;
  /** Largest allowed rise of mean LLM calls per run (any role, and all roles), in percent. */
  callsRisePct: number;
  /** Largest allowed rise of mean tokens per run (any role, and all roles), in percent. */
  tokensRisePct: number;
}

export const DEFAULT_TOLERANCES: Tolerances = { accuracyDropPts: 1, callsRisePct: 5, tokensRisePct: 5 };

type Kind = 'accuracy' | 'calls' | 'tokens' | 'info';
export type Verdict =
  | 'unchanged'
  | 'no evidence'
  | 'within tolerance'
  | 'regression'
  | 'improved'
  | 'info'
  | 'missing'
  | 'added';

export interface CompareRow {
  pipeline: string;
  method: string;
  metric: string;
  kind: Kind;
  old?: number;
  new?: number;
  diff?: number;
  ci?: { lo: number; hi: number };
  verdict: Verdict;
}

export interface Comparison {
  rows: CompareRow[];
  regressions: number;
  tolerances: Tolerances;
  notes: string[];
  /** One line when the experiments differ in seeds, pipelines, sizes or models; absent otherwise. */
  warning?: string;
}

interface Metric {
  name: string;
  kind: Kind;
  /** Accuracy in percent; counts as they are. */
  samples: (runs: readonly SavedRun[]) => RepeatSample[];
}

/**
 * Calls and tokens the run requested, whether the response cache served them or not (costs/run-cost.ts):
 * a rerun from a warm cache compares equal to a fresh run.
 */
const requested = (u: RunRoleUsage | undefined) => roleCosts(u).requested;
const allRequested = (r: RunRecord, key: 'calls' | 'tokens') => runCost(r)[key];

/** Per-example test scores when recorded (so the CI covers test-set noise), else the run's test score. */
function testSamples(runs: readonly SavedRun[]): RepeatSample[] {
  return runs.flatMap(({ record }) => {
    const test = runTest(record);
    if (test === undefined) return [];
    const perExample = record.testScores ?? (record.steps === 0 ? record.initialTestScores : undefined);
    if (!perExample) return [single(test * 100)];
    return [new Map(Object.entries(perExample).map(([id, s]) => [id, s * 100]))];
  });
}

const perRun = (get: (r: RunRecord) => number | undefined) => (runs: readonly SavedRun[]) =>
  runs.flatMap(({ record }) => {
    const v = get(record);
    return v === undefined ? [] : [single(v)];
  });

function metricsFor(roles: readonly string[]): Metric[] {
  return [
    { name: 'test accuracy %', kind: 'accuracy', samples: testSamples },
    {
      name: 'val accuracy %',
      kind: 'accuracy',
      samples: perRun((r) => (r.status === 'failed' ? undefined : r.final.val * 100)),
    },
    ...roles.flatMap((role): Metric[] => [
      { name: `${role} calls`, kind: 'calls', samples: perRun((r) => requested(r.usage[role]).calls) },
      { name: `${role} tokens`, kind: 'tokens', samples: perRun((r) => requested(r.usage[role]).tokens) },
    ]),
    { name: 'all calls', kind: 'calls', samples: perRun((r) => allRequested(r, 'calls')) },
    { name: 'all tokens', kind: 'tokens', samples: perRun((r) => allRequested(r, 'tokens')) },
    { name: 'wall-clock s', kind: 'info', samples: perRun((r) => r.wallMs / 1000) },
    ...GATE_KEYS.map(
      (g): Metric => ({ name: `gate ${g}`, kind: 'info', samples: perRun((r) => r.gates?.[g]) }),
    ),
  ];
}

/**
 * The verdict of a difference with its interval, both in the metric's units. A change is called only
 * when the whole interval lies beyond the tolerance: accuracy drops more than `accuracyDropPts` points
 * (a regression) or rises more than it (improved); calls and tokens rise (fall) more than their percent
 * of the old value. An interval holding zero is "no evidence" either way.
 */
export function verdict(kind: Kind, oldValue: number, diff: number, ci: Interval, t: Tolerances): Verdict {
  const eps = 1e-9;
  if (kind === 'info') return 'info';
  if (Math.abs(diff) <= eps && Math.abs(ci.lo) <= eps && Math.abs(ci.hi) <= eps) return 'unchanged';
  // The tolerance in the metric's units: points of accuracy, or a percent of the old count.
  const limit =
    kind === 'accuracy'
      ? t.accuracyDropPts
      : (Math.abs(oldValue) * (kind === 'calls' ? t.callsRisePct : t.tokensRisePct)) / 100;
  // Accuracy is worse when it falls; calls and tokens when they rise.
  const worse = kind === 'accuracy' ? { lo: -ci.hi, hi: -ci.lo } : ci;
  if (worse.lo > limit + eps) return 'regression';
  if (worse.hi < -limit - eps) return 'improved';
  if (ci.lo > eps || ci.hi < -eps) return 'within tolerance';
  return 'no evidence';
}

type Compared = Pick<SavedExperiment, 'runs' | 'simulated'> & Partial<Pick<SavedExperiment, 'experiment'>>;

export function compareExperiments(
  oldExp: Compared,
  newExp: Compared,
  tolerances: Tolerances = DEFAULT_TOLERANCES,
  bootstrap: BootstrapOptions = {},
): Comparison {
  const oldCells = groupCells(oldExp.runs);
  const newCells = groupCells(newExp.runs);
  const keys = [...new Set([...oldCells.keys(), ...newCells.keys()])].sort();
  const rows: CompareRow[] = [];
  for (const key of keys) {
    const oldRuns = oldCells.get(key) ?? [];
    const newRuns = newCells.get(key) ?? [];
    const { pipeline, method } = (oldRuns[0] ?? (newRuns[0] as SavedRun)).record;
    if (oldRuns.length === 0 || newRuns.length === 0) {
      rows.push({
        pipeline,
        method,
        metric: 'runs',
        kind: 'info',
        verdict: oldRuns.length ? 'missing' : 'added',
      });
      continue;
    }
    const roles = roleOrder([...oldRuns, ...newRuns].flatMap((r) => Object.keys(r.record.usage)));
    for (const m of metricsFor(roles)) {
      const o = m.samples(oldRuns);
      const n = m.samples(newRuns);
      if (o.length === 0 || n.length === 0) {
        // A lost accuracy or cost figure is a regression; an info figure never is (e.g. gate counts, which
        // only methods whose proposals pass gates record since step records became method-neutral).
        const missing = o.length > 0 && m.kind !== 'info';
        rows.push({ pipeline, method, metric: m.name, kind: m.kind, verdict: missing ? 'missing' : 'info' });
        continue;
      }
      const oldValue = pointMean(o);
      const newValue = pointMean(n);
      const diff = newValue - oldValue;
      const ci = bootstrapDiff(o, n, bootstrap);
      rows.push({
        pipeline,
        method,
        metric: m.name,
        kind: m.kind,
        old: oldValue,
        new: newValue,
        diff,
        ci,
        verdict: verdict(m.kind, oldValue, diff, ci, tolerances),
      });
    }
  }
  const notes: string[] = [];
  if (oldExp.simulated !== newExp.simulated)
    notes.push(
      `old is ${oldExp.simulated ? '' : 'not '}simulated, new is ${newExp.simulated ? '' : 'not '}simulated`,
    );
  const regressions = rows.filter((r) => r.verdict === 'regression' || r.verdict === 'missing').length;
  const warning = settingsWarning(oldExp, newExp);
  return { rows, regressions, tolerances, notes, ...(warning ? { warning } : {}) };
}

const fmt = (x: number | undefined, kind: Kind) =>
  x === undefined
    ? ''
    : kind === 'accuracy' || kind === 'info'
      ? x.toFixed(2)
      : formatCount(Number(x.toFixed(1)));
const signed = (x: number, digits: number) => `${x > 0 ? '+' : ''}${x.toFixed(digits)}`;

function toleranceText(kind: Kind, t: Tolerances): string {
  if (kind === 'accuracy') return `drop ≤ ${t.accuracyDropPts} pts`;
  if (kind === 'calls') return `rise ≤ ${t.callsRisePct}%`;
  if (kind === 'tokens') return `rise ≤ ${t.tokensRisePct}%`;
  return '';
}

const VERDICT_TEXT: Record<Verdict, string> = {
  unchanged: 'unchanged',
  'no evidence': 'no evidence',
  'within tolerance': 'within tolerance',
  regression: '**REGRESSION**',
  improved: 'improved',
  info: '',
  missing: '**MISSING in new**',
  added: 'new cell',
};

/** The comparison as Markdown: one row per cell and metric, then a one-line verdict. */
export function comparisonMarkdown(c: Comparison, title = 'Comparison (new − old)'): string {
  const rows = c.rows.map((r) => {
    const digits = r.kind === 'accuracy' || r.kind === 'info' ? 2 : 1;
    const rel = r.diff !== undefined && r.old ? ` (${signed((r.diff / r.old) * 100, 1)}%)` : '';
    return [
      r.pipeline,
      r.method,
      r.metric,
      fmt(r.old, r.kind),
      fmt(r.new, r.kind),
      r.diff === undefined ? '' : `${signed(r.diff, digits)}${r.kind === 'accuracy' ? '' : rel}`,
      r.ci ? `[${signed(r.ci.lo, digits)}, ${signed(r.ci.hi, digits)}]` : '',
      toleranceText(r.kind, c.tolerances),
      VERDICT_TEXT[r.verdict],
    ];
  });
  const table = markdownTable(
    ['pipeline', 'method', 'metric', 'old', 'new', 'Δ', '95% CI of Δ', 'tolerance', 'verdict'],
    rows,
    [false, false, false, true, true, true, true, false, false],
  );
  const summary =
    c.regressions === 0
      ? 'No regression beyond the tolerances.'
      : `${c.regressions} regression(s) beyond the tolerances.`;
  const notes = c.notes.map((n) => `Note: ${n}.\n\n`).join('');
  const warning = c.warning ? `${c.warning}\n\n` : '';
  return `# ${title}\n\n${warning}Accuracy in percent; calls and tokens are means per run, cache hits included (a rerun from the cache compares equal). CI: seeded bootstrap over repeats and test examples. A change is called a regression or an improvement only when its whole interval lies beyond the tolerance; "no evidence" when the interval holds zero.\n\n${notes}${table}\n\n${summary}\n`;
}
