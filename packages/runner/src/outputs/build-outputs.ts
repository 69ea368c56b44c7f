/**
 * Everything `table` and `report` write for an experiment, as a pure function of its saved runs:
 * tables/*.md|csv, plots/*.svg and report.html. Every file is built in memory before any is written,
 * and each is written atomically, so a failure leaves the previous outputs intact (never half a file).
 */
import { join } from 'node:path';
import { writeFileAtomic } from '@llm-autodiff/llm';
import { plotSpecs } from '../plots/plot-specs';
import { renderPlots as renderSvgs } from '../plots/render-svg';
import { type RenderedPlot, reportHtml } from '../report/html-report';
import type { SavedExperiment } from '../repro/run-record';
import { paperTables } from '../tables/paper-tables';
import { renderCsv, renderMarkdown } from '../tables/render';
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
  });
}

async function renderPlots(exp: SavedExperiment, cells: CellSummary[]): Promise<RenderedPlot[]> {
  return renderSvgs(plotSpecs(exp.runs, cells, exp.simulated));
}

/** Tables and plots; with `report`, also report.html (read the experiment with graphs for it). */
export async function buildOutputs(
  exp: SavedExperiment,
  options: { report?: boolean } = {},
): Promise<OutputFile[]> {
  // Tables, plots and the report all show the same cell summaries: computed once.
  const cells = summarize(exp);
  const tables = tablesOf(exp, cells);
  const plots = await renderPlots(exp, cells);
  const files: OutputFile[] = [
    ...tables.flatMap((t) => [
      { path: `tables/${t.name}.md`, text: renderMarkdown(t) },
      { path: `tables/${t.name}.csv`, text: renderCsv(t) },
    ]),
    ...plots.map((p) => ({ path: `plots/${p.name}.svg`, text: p.svg })),
  ];
  if (options.report) files.push({ path: 'report.html', text: reportHtml(exp, tables, plots) });
  return files;
}

export async function writeOutputs(root: string, files: readonly OutputFile[]): Promise<void> {
  for (const file of files) {
    await writeFileAtomic(join(root, ...file.path.split('/')), file.text);
  }
}
