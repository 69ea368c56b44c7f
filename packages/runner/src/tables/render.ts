/**
 * One table model, four renderings: Markdown (human-readable cells such as "71.25 ± 2.10 (73.50)"),
 * CSV (one number per column, machine-readable, via csv-stringify), LaTeX (booktabs, for a paper) and
 * HTML (for the report). Every file carries the experiment's settings block (CSV and LaTeX as comments).
 */
import { stringify } from 'csv-stringify/sync';

export type CsvValue = string | number | undefined;

export interface Column<R> {
  header: string;
  /** Right-align numbers in Markdown. */
  numeric?: boolean;
  md: (row: R) => string;
  /** The CSV columns this column becomes (name, value); a formatted cell splits into its numbers. */
  csv: Array<[string, (row: R) => CsvValue]>;
}

export interface Table<R = unknown> {
  /** File stem: tables/<name>.md and tables/<name>.csv. */
  name: string;
  title: string;
  /** Lines printed under the title (sources, what "mean" means, the simulated-model warning). */
  notes: string[];
  /** The settings the numbers were made with (tables/settings-block.ts), one line each. */
  settings?: string[];
  columns: Array<Column<R>>;
  rows: R[];
}

/** A table of any row type, for lists of tables with different rows (renderers only read it through its columns). */
export function anyTable<R>(table: Table<R>): Table<unknown> {
  const as = (row: unknown) => row as R;
  return {
    ...table,
    rows: table.rows,
    columns: table.columns.map((c) => ({
      ...c,
      md: (row: unknown) => c.md(as(row)),
      csv: c.csv.map(([name, get]): [string, (row: unknown) => CsvValue] => [name, (row) => get(as(row))]),
    })),
  };
}

const escapeMd = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A Markdown table with padded columns (readable as plain text too). */
export function markdownTable(
  headers: readonly string[],
  rows: readonly string[][],
  numeric: readonly boolean[] = [],
): string {
  const cells = [headers.map(escapeMd), ...rows.map((r) => r.map(escapeMd))];
  const widths = headers.map((_, i) => Math.max(3, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    `| ${widths.map((w, i) => (numeric[i] ? (r[i] ?? '').padStart(w) : (r[i] ?? '').padEnd(w))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(cells[0] as string[]), rule, ...cells.slice(1).map(line)].join('\n');
}

export function renderMarkdown<R>(table: Table<R>): string {
  const body = markdownTable(
    table.columns.map((c) => c.header),
    table.rows.map((r) => table.columns.map((c) => c.md(r))),
    table.columns.map((c) => c.numeric ?? false),
  );
  const notes = table.notes.length ? `${table.notes.join('\n\n')}\n\n` : '';
  const settings = table.settings?.length
    ? `\n## Settings\n\n${table.settings.map((l) => `- ${escapeMd(l)}`).join('\n')}\n`
    : '';
  return `# ${table.title}\n\n${notes}${body}\n${settings}`;
}

/** `# ` comment lines (CSV readers skip them with their comment option, e.g. csv-parse `comment: '#'`). */
const commentLines = (prefix: string, lines: readonly string[]) =>
  lines.map((l) => `${prefix} ${l.replace(/\n/g, ' ')}\n`).join('');

/** CSV with a header row; numbers written as they are, missing values as empty cells. */
export function renderCsv<R>(table: Table<R>): string {
  const columns = table.columns.flatMap((c) => c.csv);
  const records = table.rows.map((r) => columns.map(([, get]) => get(r) ?? ''));
  const body = stringify(records, {
    header: true,
    columns: columns.map(([name]) => name),
    record_delimiter: 'unix',
  });
  return `${commentLines('#', [table.title, ...(table.settings ?? [])])}${body}`;
}

const LATEX_SPECIAL: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
};

/** Text as LaTeX: specials escaped, ± and the en dash as math/text commands. */
export function escapeLatex(text: string): string {
  return text
    .replace(/[\\&%$#_{}~^]/g, (c) => LATEX_SPECIAL[c] ?? c)
    .replace(/±/g, '$\\pm$')
    .replace(/—/g, '---')
    .replace(/×/g, '$\\times$')
    .replace(/·/g, '$\\cdot$');
}

/** A booktabs table (\\toprule, \\midrule, \\bottomrule); title as caption, settings as % comments. */
export function renderLatex<R>(table: Table<R>): string {
  const align = table.columns.map((c) => (c.numeric ? 'r' : 'l')).join('');
  const head = table.columns.map((c) => escapeLatex(c.header)).join(' & ');
  const rows = table.rows.map((r) => `${table.columns.map((c) => escapeLatex(c.md(r))).join(' & ')} \\\\`);
  return [
    commentLines('%', [...table.notes, ...(table.settings ?? [])]).trimEnd(),
    '% Needs \\usepackage{booktabs}.',
    '\\begin{table}[t]',
    '\\centering',
    '\\small',
    `\\caption{${escapeLatex(table.title)}}`,
    `\\label{tab:${table.name.replace(/[^A-Za-z0-9-]/g, '-')}}`,
    `\\begin{tabular}{${align}}`,
    '\\toprule',
    `${head} \\\\`,
    '\\midrule',
    ...rows,
    '\\bottomrule',
    '\\end{tabular}',
    '\\end{table}',
    '',
  ].join('\n');
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function renderHtmlTable<R>(table: Table<R>): string {
  const head = table.columns.map((c) => `<th>${escapeHtml(c.header)}</th>`).join('');
  const body = table.rows
    .map(
      (r) =>
        `<tr>${table.columns.map((c) => `<td${c.numeric ? ' class="num"' : ''}>${escapeHtml(c.md(r))}</td>`).join('')}</tr>`,
    )
    .join('\n');
  const notes = table.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('\n');
  return `<section class="table" id="table-${escapeHtml(table.name)}">\n<h3>${escapeHtml(table.title)}</h3>\n${notes}\n<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>\n</section>`;
}
