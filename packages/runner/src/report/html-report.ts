/**
 * The self-contained HTML report of an experiment: one file, inline CSS and SVG, no script and no
 * network request, so it opens offline and can be attached to an issue or a paper review.
 */
import type { DepartureRow } from '@llm-autodiff/baselines';
import type { SavedExperiment } from '../repro/run-record';
import { escapeHtml as esc, renderHtmlTable, type Table } from '../tables/render';
import { settingsBlock } from '../tables/settings-block';
import { runSectionHtml } from './run-section';

export interface RenderedPlot {
  name: string;
  title: string;
  svg: string;
}

const CSS = `
body { font: 14px/1.45 Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ddd; padding-bottom: .2em; margin-top: 2em; }
.banner { background: #fff3cd; border: 1px solid #e0c46c; padding: .6em 1em; border-radius: 4px; }
table { border-collapse: collapse; margin: .5em 0 1.5em; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 7px; vertical-align: top; text-align: left; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { color: #555; font-size: 12px; margin: .2em 0; }
figure { margin: 1em 0 2em; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
figure.graph { background: #fff; border: 1px solid #eee; padding: .3em; }
details.run { border: 1px solid #ddd; border-radius: 4px; padding: .4em .8em; margin: .5em 0; }
details.run > summary { cursor: pointer; }
ol.evolution { padding-left: 1.2em; } ol.evolution .label { font-weight: bold; font-size: 12px; color: #555; }
.prompt { white-space: pre-wrap; font-family: Menlo, Consolas, monospace; font-size: 12px; background: #fafafa; padding: .4em; border: 1px solid #eee; }
ins { background: #d4f7d4; text-decoration: none; } del { background: #fbd5d5; }
pre.graph { font-size: 11px; background: #f7f7f7; padding: .5em; overflow-x: auto; }
`;

export function reportHtml<R>(
  exp: SavedExperiment,
  tables: ReadonlyArray<Table<R>>,
  plots: readonly RenderedPlot[],
  /** The baselines' departures from their references (tables/departures.ts), after the tables. */
  departures: ReadonlyArray<Table<DepartureRow>> = [],
): string {
  const title = `${exp.name}${exp.simulated ? ' — simulated model' : ''}`;
  const banner = exp.simulated
    ? '<p class="banner">Made with the simulated model (packages/sim): these numbers exercise the machinery and are <b>not research results</b>.</p>'
    : '';
  const figures = plots
    .map(
      (p) =>
        // The SVG carries its own title; the figure only labels it for screen readers.
        `<figure id="plot-${esc(p.name)}" aria-label="${esc(p.title)}">\n${p.svg.trimEnd()}\n</figure>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>llm-autodiff report — ${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>llm-autodiff report — ${esc(title)}</h1>
${banner}
<p class="note">${exp.runs.length} run(s). Rebuilt from the saved runs only (no model call).</p>
<h2>Settings</h2>
<ul class="settings">
${settingsBlock(exp)
  .map((line) => `<li>${esc(line)}</li>`)
  .join('\n')}
</ul>
<h2>Tables</h2>
${tables.map((t) => renderHtmlTable(t)).join('\n')}
${departures.length ? `<h2>Departures from the references</h2>\n${departures.map((t) => renderHtmlTable(t)).join('\n')}` : ''}
<h2>Plots</h2>
${figures}
<h2>Runs</h2>
${exp.runs.map(runSectionHtml).join('\n')}
</body>
</html>
`;
}
