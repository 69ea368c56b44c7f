/**
 * Vega-Lite → Vega → SVG in Node, headless (renderer 'none'; no canvas package, so text widths are
 * vega's deterministic estimates and the same spec always gives the same bytes).
 */
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import type { PlotSpec } from './plot-specs';

export async function renderSvg(plot: PlotSpec): Promise<string> {
  const view = new View(parse(compile(plot.spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return `${svg}\n`;
  } finally {
    view.finalize();
  }
}
