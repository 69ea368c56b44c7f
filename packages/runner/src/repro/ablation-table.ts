/**
 * The ablation table of GDPO's switches from saved runs only: one row per variant (`gdpo`, then
 * `gdpo.<switch>`), one column per pipeline, test accuracy mean ± std over repeats, and the change against
 * full GDPO. Markdown and CSV; no timestamps, stable order, so a rebuild is byte-identical.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '@llm-autodiff/llm';
import { stringify } from 'csv-stringify/sync';
import { type Stat, stat } from '../tables/summary';
import { readExperiment, type SavedExperiment } from './run-record';

const pct = (x: number) => (100 * x).toFixed(1);

export interface AblationCell {
  mean: number;
  std: number;
  n: number;
}

export function ablationCells(exp: SavedExperiment): {
  variants: string[];
  pipelines: string[];
  cells: Map<string, AblationCell>;
} {
  const scores = new Map<string, number[]>();
  for (const { record } of exp.runs) {
    if (record.status !== 'done' || record.final.test === undefined) continue;
    const key = `${record.method}\t${record.pipeline}`;
    scores.set(key, [...(scores.get(key) ?? []), record.final.test]);
  }
  const variants = [...new Set(exp.runs.map((r) => r.record.method))].sort((a, b) =>
    a === 'gdpo' ? -1 : b === 'gdpo' ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );
  const pipelines = [...new Set(exp.runs.map((r) => r.record.pipeline))].sort();
  const cells = new Map<string, AblationCell>();
  for (const [key, xs] of scores) {
    const { mean, std, n } = stat(xs) as Stat; // every key holds at least one score
    cells.set(key, { mean, std, n });
  }
  return { variants, pipelines, cells };
}

/** Writes tables/ablation.md and tables/ablation.csv under the experiment root; returns their paths. */
export async function writeAblationTable(root: string): Promise<string[]> {
  const exp = await readExperiment(root);
  const { variants, pipelines, cells } = ablationCells(exp);
  const title = `GDPO ablations: test accuracy (%), mean ± std over repeats, change against full GDPO${exp.simulated ? ' — simulated model, not research results' : ''}`;
  const md = [
    `### ${title}`,
    '',
    `| variant | ${pipelines.join(' | ')} |`,
    `| --- |${pipelines.map(() => ' --- |').join('')}`,
  ];
  const csv: string[][] = [['variant', 'pipeline', 'test_mean', 'test_std', 'repeats', 'delta_vs_gdpo']];
  for (const v of variants) {
    const row = pipelines.map((p) => {
      const c = cells.get(`${v}\t${p}`);
      const base = cells.get(`gdpo\t${p}`);
      if (!c) return 'n/a';
      const delta =
        v !== 'gdpo' && base ? ` (${c.mean - base.mean >= 0 ? '+' : ''}${pct(c.mean - base.mean)})` : '';
      csv.push([
        v,
        p,
        c.mean.toFixed(6),
        c.std.toFixed(6),
        String(c.n),
        v !== 'gdpo' && base ? (c.mean - base.mean).toFixed(6) : '',
      ]);
      return `${pct(c.mean)} ± ${pct(c.std)}${delta}`;
    });
    md.push(`| ${v} | ${row.join(' | ')} |`);
  }
  const mdFile = join(root, 'tables', 'ablation.md');
  const csvFile = join(root, 'tables', 'ablation.csv');
  await writeFileAtomic(mdFile, `${md.join('\n')}\n`);
  await writeFileAtomic(csvFile, stringify(csv));
  return [mdFile, csvFile];
}
