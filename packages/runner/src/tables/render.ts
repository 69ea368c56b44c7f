/**
 * One table model, three renderings: Markdown (human-readable cells such as "71.25 ± 2.10 (73.50)"),
 * CSV (one number per column, machine-readable, via csv-stringify) and HTML (for the report).
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
  columns: Array<Column<R>>;
  rows: R[];
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
  return `# ${table.title}\n\n${notes}${body}\n`;
}

/** CSV with a header row; numbers written as they are, missing values as empty cells. */
export function renderCsv<R>(table: Table<R>): string {
  const columns = table.columns.flatMap((c) => c.csv);
  const records = table.rows.map((r) => columns.map(([, get]) => get(r) ?? ''));
  return stringify(records, {
    header: true,
    columns: columns.map(([name]) => name),
    record_delimiter: 'unix',
  });
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
