/**
 * Everything `table` and `report` write for an experiment, as a pure function of its saved runs:
 * tables/*.md|csv, plots/*.svg and report.html. Every file is built in memory before any is written,
 * and each is written atomically, so a failure leaves the previous outputs intact (never half a file).
 */
import { join } from 'node:path';
import { writeFileAtomic } from '@llm-autodiff/llm';
import { plotSpecs } from '../plots/plot-specs';
import { renderSvg } from '../plots/render-svg';
import { type RenderedPlot, reportHtml } from '../report/html-report';
import type { SavedExperiment } from '../repro/run-record';
import { paperTables } from '../tables/paper-tables';
import { renderCsv, renderMarkdown } from '../tables/render';
import { summarize } from '../tables/summary';

export interface OutputFile {
  /** Relative to the experiment folder, '/'-separated. */
  path: string;
  text: string;
}

function tablesOf(exp: SavedExperiment) {
  return paperTables(summarize(exp), { experiment: exp.name, simulated: exp.simulated });
}

export function tableFiles(exp: SavedExperiment): OutputFile[] {
  return tablesOf(exp).flatMap((t) => [
    { path: `tables/${t.name}.md`, text: renderMarkdown(t) },
    { path: `tables/${t.name}.csv`, text: renderCsv(t) },
  ]);
}

export async function renderPlots(exp: SavedExperiment): Promise<RenderedPlot[]> {
  const plots: RenderedPlot[] = [];
  for (const p of plotSpecs(exp.runs, summarize(exp), exp.simulated))
    plots.push({ name: p.name, title: p.title, svg: await renderSvg(p) });
  return plots;
}

export function plotFiles(plots: readonly RenderedPlot[]): OutputFile[] {
  return plots.map((p) => ({ path: `plots/${p.name}.svg`, text: p.svg }));
}

/** Tables and plots; with `report`, also report.html (read the experiment with graphs for it). */
export async function buildOutputs(
  exp: SavedExperiment,
  options: { report?: boolean } = {},
): Promise<OutputFile[]> {
  const plots = await renderPlots(exp);
  const files = [...tableFiles(exp), ...plotFiles(plots)];
  if (options.report) files.push({ path: 'report.html', text: reportHtml(exp, tablesOf(exp), plots) });
  return files;
}

export async function writeOutputs(root: string, files: readonly OutputFile[]): Promise<void> {
  for (const file of files) {
    await writeFileAtomic(join(root, ...file.path.split('/')), file.text);
  }
}
