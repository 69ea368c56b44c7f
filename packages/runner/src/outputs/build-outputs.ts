/**
 * Everything `table` and `report` write for an experiment, as a pure function of its saved runs:
 * tables/*.md|csv|tex, plots/*.svg and report.html. Every file is built in memory before any is written,
 * and each is written atomically, so a failure leaves the previous outputs intact (never half a file).
 */
import { join } from 'node:path';
import { writeFileAtomic } from '@llm-autodiff/llm';
import { plotSpecs } from '../plots/plot-specs';
import { renderPlots } from '../plots/render-svg';
import { withGraphPictures } from '../report/graph-svg';
import { reportHtml } from '../report/html-report';
import type { SavedExperiment } from '../repro/run-record';
import { departuresTables } from '../tables/departures';
import { paperTables } from '../tables/paper-tables';
import { renderCsv, renderLatex, renderMarkdown, type Table } from '../tables/render';
import { settingsBlock } from '../tables/settings-block';
import { type CellSummary, summarize } from '../tables/summary';

export interface OutputFile {
  /** Relative to the experiment folder, '/'-separated. */
  path: string;
  text: string;
}

function tablesOf(exp: SavedExperiment, cells: CellSummary[]) {
  const notRun = exp.experiment.notRun;
  return paperTables(cells, {
    experiment: exp.name,
    simulated: exp.simulated,
    notRun: Array.isArray(notRun) ? notRun.map(String) : undefined,
    settings: settingsBlock(exp),
  });
}

/** Tables and plots; with `report`, also report.html (read the experiment with graphs for it). */
export async function buildOutputs(
  exp: SavedExperiment,
  options: { report?: boolean } = {},
): Promise<OutputFile[]> {
  // Tables, plots and the report all show the same cell summaries: computed once.
  const cells = summarize(exp);
  const tables = tablesOf(exp, cells);
  const departures = departuresTables(cells);
  const plots = await renderPlots(plotSpecs(exp.runs, cells, exp.simulated));
  const tableFiles = <R>(t: Table<R>): OutputFile[] => [
    { path: `tables/${t.name}.md`, text: renderMarkdown(t) },
    { path: `tables/${t.name}.csv`, text: renderCsv(t) },
    { path: `tables/${t.name}.tex`, text: renderLatex(t) },
  ];
  const files: OutputFile[] = [
    ...tables.flatMap(tableFiles),
    ...departures.flatMap(tableFiles),
    ...plots.map((p) => ({ path: `plots/${p.name}.svg`, text: p.svg })),
  ];
  if (options.report) {
    const runs = await withGraphPictures(exp.runs);
    files.push({ path: 'report.html', text: reportHtml({ ...exp, runs }, tables, plots, departures) });
  }
  return files;
}

export async function writeOutputs(root: string, files: readonly OutputFile[]): Promise<void> {
  for (const file of files) {
    await writeFileAtomic(join(root, ...file.path.split('/')), file.text);
  }
}
