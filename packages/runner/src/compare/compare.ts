/**
 * Regression tracking between two saved experiments: every cell of the tables (per pipeline × method:
 * test and validation accuracy, calls and tokens per role, wall-clock, proposals per gate) as old, new,
 * difference and a bootstrap confidence interval; a verdict against stated tolerances.
 */
import type { RunRecord, RunRoleUsage, SavedExperiment, SavedRun } from '../repro/run-record';
import { formatCount } from '../tables/paper-tables';
import { markdownTable } from '../tables/render';
import { GATE_KEYS, groupCells, roleOrder, runTest } from '../tables/summary';
import { type BootstrapOptions, bootstrapDiff, pointMean, type RepeatSample, single } from './bootstrap';

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
export type Verdict = 'ok' | 'regression' | 'improved' | 'info' | 'missing' | 'added';

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
}

interface Metric {
  name: string;
  kind: Kind;
  /** Accuracy in percent; counts as they are. */
  samples: (runs: readonly SavedRun[]) => RepeatSample[];
}

/**
 * Calls and tokens the run asked for, whether the response cache served them or not: a rerun from a
 * warm cache must compare equal to a fresh run, so a cache hit counts as a call and its tokens count
 * when the writer recorded them (`cacheHitTokens`).
 */
const requested = (u: RunRoleUsage | undefined) => ({
  calls: (u?.calls ?? 0) + (u?.cacheHits ?? 0),
  tokens: (u?.totalTokens ?? 0) + (u?.cacheHitTokens ?? 0),
});
const allRequested = (r: RunRecord, key: 'calls' | 'tokens') =>
  Object.values(r.usage).reduce((a, u) => a + requested(u)[key], 0);

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

function verdict(kind: Kind, oldValue: number, diff: number, t: Tolerances): Verdict {
  const eps = 1e-9;
  if (kind === 'info') return 'info';
  if (kind === 'accuracy') {
    if (diff < -t.accuracyDropPts - eps) return 'regression';
    return diff > eps ? 'improved' : 'ok';
  }
  const limit = kind === 'calls' ? t.callsRisePct : t.tokensRisePct;
  const risePct = oldValue === 0 ? (diff > eps ? Number.POSITIVE_INFINITY : 0) : (diff / oldValue) * 100;
  if (risePct > limit + eps) return 'regression';
  return diff < -eps ? 'improved' : 'ok';
}

export function compareExperiments(
  oldExp: Pick<SavedExperiment, 'runs' | 'simulated'>,
  newExp: Pick<SavedExperiment, 'runs' | 'simulated'>,
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
      rows.push({
        pipeline,
        method,
        metric: m.name,
        kind: m.kind,
        old: oldValue,
        new: newValue,
        diff,
        ci: bootstrapDiff(o, n, bootstrap),
        verdict: verdict(m.kind, oldValue, diff, tolerances),
      });
    }
  }
  const notes: string[] = [];
  if (oldExp.simulated !== newExp.simulated)
    notes.push(
      `old is ${oldExp.simulated ? '' : 'not '}simulated, new is ${newExp.simulated ? '' : 'not '}simulated`,
    );
  const regressions = rows.filter((r) => r.verdict === 'regression' || r.verdict === 'missing').length;
  return { rows, regressions, tolerances, notes };
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
  ok: 'ok',
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
  return `# ${title}\n\nAccuracy in percent; calls and tokens are means per run, cache hits included (a rerun from the cache compares equal). CI: seeded bootstrap over repeats and test examples.\n\n${notes}${table}\n\n${summary}\n`;
}
