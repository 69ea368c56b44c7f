/**
 * Vega-Lite → Vega → SVG in Node, headless (renderer 'none'; no canvas package, so text widths are
 * vega's deterministic estimates and the same spec always gives the same bytes).
 */
import type { PlotSpec } from './plot-specs';

/** Vega and Vega-Lite load on the first plot drawn (the CLI's other commands never pay for them). */
export async function renderSvg(plot: PlotSpec): Promise<string> {
  const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new View(parse(compile(plot.spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return `${svg}\n`;
  } finally {
    view.finalize();
  }
}
