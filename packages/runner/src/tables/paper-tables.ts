/**
 * The paper's layout: the main table has one row per method (the paper's order: start, TextGrad,
 * DSPy-style, GEPA-style, LLM-AutoDiff and its ablations) and per pipeline the test accuracy (mean ± std),
 * the paper's reported number beside it and the requested tokens / calls / wall-clock of the cell. The
 * long-format tables follow: accuracy (test, validation, repeats per pipeline × method), LLM calls and
 * tokens per role (requested, billed beside), proposals per gate. Tables made with a simulated model say so
 * in their title; every table carries the experiment's settings block.
 */
import { paperReports, REPORTED_SOURCE, reportedTest } from '../reference/paper-reported';
import type { RunGateCounts } from '../repro/run-record';
import { partialUseNotes, teacherNotes } from './method-notes';
import { methodsInOrder, pipelinesInOrder } from './order';
import { anyTable, type Column, type Table } from './render';
import { allRoles, budgetText, type CellSummary, cellLabel, type Stat } from './summary';

export interface TableContext {
  experiment: string;
  simulated: boolean;
  /** Pipeline x method pairs the sweep did not run, one line each (e.g. a demos-only method on HotPotQA). */
  notRun?: string[];
  /** The settings block (tables/settings-block.ts), on every table. */
  settings?: string[];
}

const pct = (x: number) => (x * 100).toFixed(2);
const round = (x: number, digits: number) => Number(x.toFixed(digits));
const pctNum = (x: number | undefined) => (x === undefined ? undefined : round(x * 100, 4));

/** "mean ± std (best)" in percent; "n/a" when no repeat has the score. */
export function formatAccuracy(s: Stat | undefined): string {
  return s ? `${pct(s.mean)} ± ${pct(s.std)} (${pct(s.max)})` : 'n/a';
}

/** Whole numbers as they are, others with one decimal (means over repeats). */
export function formatCount(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

export function titleSuffix(ctx: TableContext): string {
  return ctx.simulated ? ' — simulated model (exercises the machinery; not research results)' : '';
}

const SIMULATED_NOTE =
  'Made with the simulated model (packages/sim): these numbers test the machinery and are not research results; do not compare them with the reported column as findings.';

function baseNotes(ctx: TableContext): string[] {
  return ctx.simulated ? [SIMULATED_NOTE] : [];
}

/** pipeline and method; the CSV (which has no title) also says in every row whether the model was simulated. */
function identity(ctx: TableContext): Array<Column<CellSummary>> {
  return [
    {
      header: 'pipeline',
      md: (c) => c.pipeline,
      csv: [
        ['model', () => (ctx.simulated ? 'simulated model' : 'real model')],
        ['pipeline', (c) => c.pipeline],
      ],
    },
    { header: 'method', md: (c) => c.method, csv: [['method', (c) => c.method]] },
    {
      header: 'budget',
      md: budgetText,
      csv: [
        ['budget', (c) => c.budget?.label],
        ['budget_not_used_up_runs', (c) => c.budget?.unusedRuns],
      ],
    },
  ];
}

/** Drops the budget column from a table none of whose cells has a budget level. */
function withoutEmptyBudget<R>(columns: Array<Column<R>>, budgeted: boolean): Array<Column<R>> {
  return budgeted ? columns : columns.filter((c) => c.header !== 'budget');
}

/** 12345 → "12.3k", 1234567 → "1.23M": a cell of the main table stays narrow. */
export function shortCount(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e4) return `${(x / 1e3).toFixed(1)}k`;
  return formatCount(Number(x.toFixed(1)));
}

/** One row of the main table: a method (at a budget level) and its cell per pipeline. */
export interface MethodRow {
  label: string;
  method: string;
  budget?: CellSummary['budget'];
  byPipeline: Map<string, CellSummary>;
}

export function methodRows(cells: readonly CellSummary[]): { rows: MethodRow[]; pipelines: string[] } {
  const pipelines = pipelinesInOrder(cells.map((c) => c.pipeline));
  const rows = new Map<string, MethodRow>();
  // cells come in the paper's order (summarize): methods first seen in that order, budgets ascending.
  const methods = methodsInOrder(cells.map((c) => c.method));
  const ordered = [...cells].sort(
    (a, b) =>
      methods.indexOf(a.method) - methods.indexOf(b.method) ||
      (a.budget?.amount ?? -1) - (b.budget?.amount ?? -1),
  );
  for (const c of ordered) {
    const label = cellLabel(c);
    const row = rows.get(label) ?? { label, method: c.method, budget: c.budget, byPipeline: new Map() };
    row.byPipeline.set(c.pipeline, c);
    rows.set(label, row);
  }
  return { rows: [...rows.values()], pipelines };
}

/** "71.25 ± 2.12", with a mark when a repeat is missing or the budget was not used up. */
function mainCell(c: CellSummary | undefined): string {
  if (!c) return '–';
  const acc = c.test ? `${pct(c.test.mean)} ± ${pct(c.test.std)}` : 'n/a';
  const missing = c.done < c.runs ? ` (${c.done}/${c.runs})` : '';
  return `${acc}${missing}${c.budget && c.budget.unusedRuns > 0 ? ' †' : ''}`;
}

function costCell(c: CellSummary | undefined): string {
  if (!c) return '';
  return `${shortCount(c.total.requested.tokens)} · ${shortCount(c.total.requested.calls)} · ${(c.wallMs / 1000).toFixed(1)}s`;
}

/**
 * The paper's Table 2 layout: methods × pipelines, test accuracy mean ± std over repeats, the paper's
 * number beside ours, and what the cell cost (requested tokens · calls · wall-clock, means per run).
 */
export function mainTable(cells: CellSummary[], ctx: TableContext): Table<MethodRow> {
  const { rows, pipelines } = methodRows(cells);
  const budgeted = rows.some((r) => r.budget);
  const paper = pipelines.some(paperReports);
  const perPipeline = pipelines.flatMap((p): Array<Column<MethodRow>> => {
    const cell = (r: MethodRow) => r.byPipeline.get(p);
    const reported = (r: MethodRow) => reportedTest(p, r.method);
    return [
      {
        header: `${p} test %`,
        numeric: true,
        md: (r) => mainCell(cell(r)),
        csv: [
          [`${p}_test_mean_pct`, (r) => pctNum(cell(r)?.test?.mean)],
          [`${p}_test_std_pct`, (r) => pctNum(cell(r)?.test?.std)],
          [`${p}_test_n`, (r) => cell(r)?.test?.n ?? 0],
        ],
      },
      // A pipeline of the user's own has no paper number: no empty column for it.
      ...onlyIf<MethodRow>(paperReports(p), [
        {
          header: `${p} paper %`,
          numeric: true,
          md: (r) => reported(r)?.testPct.toFixed(2) ?? '',
          csv: [[`${p}_reported_test_pct`, (r) => reported(r)?.testPct]],
        },
      ]),
      {
        header: `${p} tokens · calls · time`,
        numeric: true,
        md: (r) => costCell(cell(r)),
        csv: [
          [`${p}_requested_tokens`, (r) => optRound(cell(r)?.total.requested.tokens)],
          [`${p}_requested_calls`, (r) => optRound(cell(r)?.total.requested.calls)],
          [`${p}_billed_tokens`, (r) => optRound(cell(r)?.total.billed.tokens)],
          [`${p}_billed_calls`, (r) => optRound(cell(r)?.total.billed.calls)],
          [`${p}_wall_s`, (r) => optRound(cell(r) && cell(r)!.wallMs / 1000)],
        ],
      },
    ];
  });
  return {
    name: 'main',
    settings: ctx.settings,
    title: `Test accuracy (%) by method and pipeline — ${ctx.experiment}${titleSuffix(ctx)}`,
    notes: [
      ...baseNotes(ctx),
      `Test accuracy: mean ± sample std over repeats (n/m: only n of m repeats finished).${paper ? ' "paper %": the number the paper reports for its method of that family, not ours.' : ''}`,
      'tokens · calls · time: requested tokens and LLM calls (every call the run made, cache hits included, so a cell does not depend on run order) and wall-clock, mean per run.',
      ...(budgeted
        ? [
            'Budget: every method stopped at the same requested-cost level; † a level some repeat did not use up.',
          ]
        : []),
      ...(paper ? [`Paper numbers: ${REPORTED_SOURCE}`] : []),
      ...(ctx.notRun ?? []).map((line) => `Not run: ${line}.`),
      ...partialUseNotes(cells),
      ...teacherNotes(cells),
    ],
    columns: [
      {
        header: 'method',
        md: (r) => r.method,
        csv: [
          ['model', () => (ctx.simulated ? 'simulated model' : 'real model')],
          ['method', (r) => r.method],
        ],
      },
      ...onlyIf<MethodRow>(budgeted, [
        { header: 'budget', md: (r) => r.budget?.label ?? '', csv: [['budget', (r) => r.budget?.label]] },
      ]),
      ...onlyIf<MethodRow>(paper, [
        {
          header: 'paper method',
          md: (r) => paperMethodOf(pipelines, r.method),
          csv: [['paper_method', (r) => paperMethodOf(pipelines, r.method)]],
        },
      ]),
      ...perPipeline,
    ],
    rows,
  };
}

/** `columns` when `condition` holds, else none (a column that would be empty everywhere is left out). */
function onlyIf<R>(condition: boolean, columns: Array<Column<R>>): Array<Column<R>> {
  return condition ? columns : [];
}

const optRound = (x: number | undefined) => (x === undefined ? undefined : round(x, 3));

/** The paper's name of the method family a row stands beside ("DSPy(5+2)", "LLM-AutoDiff"). */
function paperMethodOf(pipelines: readonly string[], method: string): string {
  const names = new Set(pipelines.map((p) => reportedTest(p, method)?.paperMethod).filter(Boolean));
  return [...names].join(', ');
}

function accuracyColumn(name: 'test' | 'val', header: string): Column<CellSummary> {
  return {
    header,
    numeric: true,
    md: (c) => formatAccuracy(c[name]),
    csv: [
      [`${name}_mean_pct`, (c) => pctNum(c[name]?.mean)],
      [`${name}_std_pct`, (c) => pctNum(c[name]?.std)],
      [`${name}_best_pct`, (c) => pctNum(c[name]?.max)],
      [`${name}_n`, (c) => c[name]?.n ?? 0],
    ],
  };
}

export function accuracyTable(cells: CellSummary[], ctx: TableContext): Table<CellSummary> {
  // A pipeline of the user's own has no paper number: no empty reported columns for it.
  const paper = cells.some((c) => paperReports(c.pipeline));
  return {
    name: 'accuracy',
    settings: ctx.settings,
    title: `Test and validation accuracy (%) per pipeline and method — ${ctx.experiment}${titleSuffix(ctx)}`,
    notes: [
      ...baseNotes(ctx),
      'Accuracy: mean ± sample std over repeats, best repeat in parentheses. Validation: best validation score of each run. Wall-clock: mean per run.',
      ...(paper ? [`Reported columns: the paper's numbers, not ours. Source: ${REPORTED_SOURCE}`] : []),
      ...(ctx.notRun ?? []).map((line) => `Not run: ${line}.`),
      ...partialUseNotes(cells),
      ...teacherNotes(cells),
    ],
    columns: [
      ...withoutEmptyBudget(
        identity(ctx),
        cells.some((c) => c.budget),
      ),
      {
        header: 'repeats done',
        numeric: true,
        md: (c) => `${c.done}/${c.runs}`,
        csv: [
          ['runs', (c) => c.runs],
          ['done', (c) => c.done],
          ['partial', (c) => c.partial],
          ['failed', (c) => c.failed],
        ],
      },
      accuracyColumn('test', 'test %'),
      accuracyColumn('val', 'val %'),
      ...onlyIf<CellSummary>(paper, [
        {
          header: 'test % (reported)',
          numeric: true,
          md: (c) => reportedTest(c.pipeline, c.method)?.testPct.toFixed(2) ?? '',
          csv: [['reported_test_pct', (c) => reportedTest(c.pipeline, c.method)?.testPct]],
        },
        {
          header: 'paper method (reported)',
          md: (c) => {
            const r = reportedTest(c.pipeline, c.method);
            return r ? `${r.paperMethod}${r.note ? ` — ${r.note}` : ''}` : '';
          },
          csv: [
            ['reported_method', (c) => reportedTest(c.pipeline, c.method)?.paperMethod],
            ['reported_note', (c) => reportedTest(c.pipeline, c.method)?.note],
          ],
        },
      ]),
      {
        header: 'wall-clock s',
        numeric: true,
        md: (c) => (c.wallMs / 1000).toFixed(1),
        csv: [['wall_s', (c) => round(c.wallMs / 1000, 3)]],
      },
      { header: 'steps', numeric: true, md: (c) => formatCount(c.steps), csv: [['steps', (c) => c.steps]] },
    ],
    rows: cells,
  };
}

export function usageTable(cells: CellSummary[], ctx: TableContext): Table<CellSummary> {
  const roles = allRoles(cells);
  const roleColumns = roles.flatMap(
    (role): Array<Column<CellSummary>> => [
      {
        header: `${role} calls`,
        numeric: true,
        md: (c) => formatCount(c.usage[role]?.requested.calls ?? 0),
        csv: [
          [`${role}_requested_calls`, (c) => c.usage[role]?.requested.calls ?? 0],
          [`${role}_billed_calls`, (c) => c.usage[role]?.billed.calls ?? 0],
          [`${role}_cached_calls`, (c) => c.usage[role]?.cached.calls ?? 0],
        ],
      },
      {
        header: `${role} tokens`,
        numeric: true,
        md: (c) => formatCount(c.usage[role]?.requested.tokens ?? 0),
        csv: [
          [`${role}_requested_tokens`, (c) => c.usage[role]?.requested.tokens ?? 0],
          [`${role}_billed_tokens`, (c) => c.usage[role]?.billed.tokens ?? 0],
          [`${role}_cached_tokens`, (c) => c.usage[role]?.cached.tokens ?? 0],
        ],
      },
    ],
  );
  return {
    name: 'usage',
    settings: ctx.settings,
    title: `LLM calls and tokens per role (mean per run) — ${ctx.experiment}${titleSuffix(ctx)}`,
    notes: [
      ...baseNotes(ctx),
      'Requested: every call the run made, as if nothing were cached (the work; independent of run order). Billed: the calls that reached a model. Requested = billed + served by the response cache. Tokens: prompt + completion. The CSV has all three per role.',
    ],
    columns: [
      ...withoutEmptyBudget(
        identity(ctx),
        cells.some((c) => c.budget),
      ),
      ...roleColumns,
      {
        header: 'all tokens',
        numeric: true,
        md: (c) => formatCount(c.total.requested.tokens),
        csv: [['all_requested_tokens', (c) => c.total.requested.tokens]],
      },
      {
        header: 'billed calls',
        numeric: true,
        md: (c) => formatCount(c.total.billed.calls),
        csv: [['all_billed_calls', (c) => c.total.billed.calls]],
      },
      {
        header: 'billed tokens',
        numeric: true,
        md: (c) => formatCount(c.total.billed.tokens),
        csv: [
          ['all_billed_tokens', (c) => c.total.billed.tokens],
          ['all_cached_calls', (c) => c.total.cached.calls],
        ],
      },
    ],
    rows: cells,
  };
}

const GATE_HEADERS: Array<[keyof RunGateCounts, string, string]> = [
  ['tried', 'tried', 'tried'],
  ['unchanged', 'unchanged', 'unchanged'],
  ['parseFailures', 'parse failures', 'parse_failures'],
  ['miniBatchPassed', 'mini-batch passed', 'mini_batch_passed'],
  ['miniBatchFailed', 'mini-batch failed', 'mini_batch_failed'],
  ['validationPassed', 'validation passed', 'validation_passed'],
  ['validationFailed', 'validation failed', 'validation_failed'],
];

export function gatesTable(cells: CellSummary[], ctx: TableContext): Table<CellSummary> {
  return {
    name: 'gates',
    settings: ctx.settings,
    title: `Proposals per gate (mean per run) — ${ctx.experiment}${titleSuffix(ctx)}`,
    notes: [
      ...baseNotes(ctx),
      'Tried: proposals generated; unchanged ones (parse failures, identical text) are not evaluated. A proposal must pass the mini-batch gate, then the validation gate.',
      'Gate counts are those of methods whose proposals pass gates (GDPO, GEPA); other methods show –.',
    ],
    columns: [
      ...withoutEmptyBudget(
        identity(ctx),
        cells.some((c) => c.budget),
      ),
      ...GATE_HEADERS.map(
        ([key, header, csv]): Column<CellSummary> => ({
          header,
          numeric: true,
          md: (c) => (c.gates ? formatCount(c.gates[key]) : '–'),
          csv: [[csv, (c) => c.gates?.[key]]],
        }),
      ),
    ],
    rows: cells,
  };
}

/** Every table of an experiment, in the order the report shows them. */
export function paperTables(cells: CellSummary[], ctx: TableContext): Array<Table<unknown>> {
  return [
    anyTable(mainTable(cells, ctx)),
    anyTable(accuracyTable(cells, ctx)),
    anyTable(usageTable(cells, ctx)),
    anyTable(gatesTable(cells, ctx)),
  ];
}
