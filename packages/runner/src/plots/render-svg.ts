/**
 * Vega-Lite → Vega → SVG in Node, headless (renderer 'none'; no canvas package, so text widths are
 * vega's deterministic estimates and the same spec always gives the same bytes).
 */
import { type ErrorKind, isMissingModule } from '@llm-autodiff/llm';
import type { PlotSpec } from './plot-specs';

interface Vega {
  vega: typeof import('vega');
  vegaLite: typeof import('vega-lite');
}

/** vega and vega-lite are optional dependencies of the CLI (`npm install --omit=optional` leaves them out). */
export class PlotsUnavailableError extends Error {
  override readonly name = 'PlotsUnavailableError';
  readonly errorKind: ErrorKind = 'environment';
  constructor(missing: string) {
    super(
      `plots skipped: the optional package ${missing} is not installed (npm install vega vega-lite); tables and the report are written without them`,
    );
  }
}

const importVega = async (): Promise<Vega> => {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  return { vega, vegaLite };
};

/** Vega and Vega-Lite load on the first plot drawn (the CLI's other commands never pay for them). */
export async function loadVega(load: () => Promise<Vega> = importVega): Promise<Vega> {
  try {
    return await load();
  } catch (e) {
    for (const name of ['vega', 'vega-lite'])
      if (isMissingModule(e, name)) throw new PlotsUnavailableError(name);
    throw e;
  }
}

export async function renderSvg(plot: PlotSpec): Promise<string> {
  const { vega, vegaLite } = await loadVega();
  const view = new vega.View(vega.parse(vegaLite.compile(plot.spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return `${svg}\n`;
  } finally {
    view.finalize();
  }
}

/**
 * Every plot as SVG; none, with the install hint said once, when vega is not installed (the tables and
 * the report are worth having without their pictures).
 */
export async function renderPlots(
  specs: readonly PlotSpec[],
  render: (plot: PlotSpec) => Promise<string> = renderSvg,
  warn: (message: string) => void = (m) => process.emitWarning(m, { code: 'AUTODIFF_NO_PLOTS' }),
): Promise<{ name: string; title: string; svg: string }[]> {
  const plots: { name: string; title: string; svg: string }[] = [];
  try {
    for (const p of specs) plots.push({ name: p.name, title: p.title, svg: await render(p) });
  } catch (e) {
    if (!(e instanceof PlotsUnavailableError)) throw e;
    warn(e.message);
    return [];
  }
  return plots;
}
