/**
 * Backward graphs as pictures: the DOT a run writes beside each graph (graphs/step-NN.dot) laid out by
 * Graphviz compiled to WebAssembly (@viz-js/viz; bundled, no network, deterministic output), inlined in
 * the report as SVG. A graph without DOT source keeps its text form.
 */
import type { SavedRun } from '../repro/run-record';

type Viz = Awaited<ReturnType<typeof import('@viz-js/viz').instance>>;

let viz: Promise<Viz> | undefined;

/** Graphviz is loaded once, on the first graph (its WebAssembly takes a moment to start). */
function graphviz(): Promise<Viz> {
  viz ??= import('@viz-js/viz').then((m) => m.instance());
  return viz;
}

/** The SVG element alone (no XML declaration, doctype or generator comment), to inline in HTML. */
export async function dotToSvg(dot: string): Promise<string> {
  const svg = (await graphviz()).renderString(dot, { format: 'svg' });
  const start = svg.indexOf('<svg');
  return start < 0 ? svg : svg.slice(start).trimEnd();
}

/**
 * The runs with a picture (`svg`) of each one's last graph saved with DOT source. One per run: a run's
 * graphs share their shape from step to step, and a picture of every step made the quick report 13 MB
 * (222 graphs, 46 KB of SVG each) and its build 7 s slower; the other steps keep their text form.
 */
export async function withGraphPictures(runs: readonly SavedRun[]): Promise<SavedRun[]> {
  const out: SavedRun[] = [];
  for (const run of runs) {
    const last = run.graphs.findLast((g) => g.dot !== undefined);
    const graphs = await Promise.all(
      run.graphs.map(async (g) => (g === last && g.dot ? { ...g, svg: await dotToSvg(g.dot) } : g)),
    );
    out.push({ ...run, graphs });
  }
  return out;
}
