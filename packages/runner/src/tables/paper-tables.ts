/**
 * The paper's layout, per pipeline × method over repeats: accuracy (main), LLM calls and tokens per role
 * (usage), proposals per gate (gates). The paper's reported numbers sit in their own columns, marked
 * "(reported)"; tables made with a simulated model say so in their title.
 */
import { REPORTED_SOURCE, reportedTest } from '../reference/paper-reported';
import type { RunGateCounts } from '../repro/run-record';
import { partialUseNotes, teacherNotes } from './method-notes';
import type { Column, Table } from './render';
import { allRoles, type CellSummary, type Stat } from './summary';

export interface TableContext {
  experiment: string;
  simulated: boolean;
  /** Pipeline x method pairs the sweep did not run, one line each (e.g. a demos-only method on HotPotQA). */
  notRun?: string[];
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
  ];
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

export function mainTable(cells: CellSummary[], ctx: TableContext): Table<CellSummary> {
  return {
    name: 'main',
    title: `Test and validation accuracy (%) — ${ctx.experiment}${titleSuffix(ctx)}`,
    notes: [
      ...baseNotes(ctx),
      'Accuracy: mean ± sample std over repeats, best repeat in parentheses. Validation: best validation score of each run. Wall-clock: mean per run.',
      `Reported columns: the paper's numbers, not ours. Source: ${REPORTED_SOURCE}`,
      ...(ctx.notRun ?? []).map((line) => `Not run: ${line}.`),
      ...partialUseNotes(cells),
      ...teacherNotes(cells),
    ],
    columns: [
      ...identity(ctx),
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
  const tokens = (c: CellSummary) => Object.values(c.usage).reduce((a, u) => a + u.totalTokens, 0);
  const roleColumns = roles.flatMap(
    (role): Array<Column<CellSummary>> => [
      {
        header: `${role} calls`,
        numeric: true,
        md: (c) => formatCount(c.usage[role]?.calls ?? 0),
        csv: [
          [`${role}_calls`, (c) => c.usage[role]?.calls ?? 0],
          [`${role}_cache_hits`, (c) => c.usage[role]?.cacheHits ?? 0],
        ],
      },
      {
        header: `${role} tokens`,
        numeric: true,
        md: (c) => formatCount(c.usage[role]?.totalTokens ?? 0),
        csv: [
          [`${role}_prompt_tokens`, (c) => c.usage[role]?.promptTokens ?? 0],
          [`${role}_completion_tokens`, (c) => c.usage[role]?.completionTokens ?? 0],
          [`${role}_total_tokens`, (c) => c.usage[role]?.totalTokens ?? 0],
        ],
      },
    ],
  );
  return {
    name: 'usage',
    title: `LLM calls and tokens per role (mean per run) — ${ctx.experiment}${titleSuffix(ctx)}`,
    notes: [
      ...baseNotes(ctx),
      'Calls are real model calls; cache hits are counted apart (CSV). Tokens: prompt + completion.',
    ],
    columns: [
      ...identity(ctx),
      ...roleColumns,
      {
        header: 'all tokens',
        numeric: true,
        md: (c) => formatCount(tokens(c)),
        csv: [['all_total_tokens', tokens]],
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
    title: `Proposals per gate (mean per run) — ${ctx.experiment}${titleSuffix(ctx)}`,
    notes: [
      ...baseNotes(ctx),
      'Tried: proposals generated; unchanged ones (parse failures, identical text) are not evaluated. A proposal must pass the mini-batch gate, then the validation gate.',
      'Gate counts are those of methods whose proposals pass gates (GDPO, GEPA); other methods show –.',
    ],
    columns: [
      ...identity(ctx),
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
export function paperTables(cells: CellSummary[], ctx: TableContext): Array<Table<CellSummary>> {
  return [mainTable(cells, ctx), usageTable(cells, ctx), gatesTable(cells, ctx)];
}
