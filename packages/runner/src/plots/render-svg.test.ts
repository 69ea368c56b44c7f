import { describe, expect, it } from 'vitest';
import type { PlotSpec } from './plot-specs';
import { loadVega, PlotsUnavailableError, renderPlots } from './render-svg';

describe('loadVega', () => {
  it('loads the installed packages', async () => {
    const { vega, vegaLite } = await loadVega();
    expect(vega.View).toBeTypeOf('function');
    expect(vegaLite.compile).toBeTypeOf('function');
  });

  it('a missing vega or vega-lite is one line saying what to install; other failures pass through', async () => {
    const missing = Object.assign(new Error("Cannot find package 'vega-lite' imported from render-svg.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const error = await loadVega(() => Promise.reject(missing)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlotsUnavailableError);
    expect((error as Error).message).toMatch(
      /^plots skipped: the optional package vega-lite .*npm install vega vega-lite/,
    );
    const broken = new Error('vega failed to initialise');
    await expect(loadVega(() => Promise.reject(broken))).rejects.toBe(broken);
  });
});

describe('renderPlots', () => {
  const specs = [
    { name: 'a', title: 'A', spec: {} },
    { name: 'b', title: 'B', spec: {} },
  ] as unknown as PlotSpec[];

  it('renders every plot, or none with one warning when vega is missing', async () => {
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    const drawn = await renderPlots(specs, async (p) => `<svg>${p.name}</svg>`, warn);
    expect(drawn.map((p) => p.svg)).toEqual(['<svg>a</svg>', '<svg>b</svg>']);
    expect(warnings).toEqual([]);
    const missing = async (): Promise<string> => {
      throw new PlotsUnavailableError('vega');
    };
    expect(await renderPlots(specs, missing, warn)).toEqual([]);
    expect(warnings).toHaveLength(1);
    await expect(renderPlots(specs, () => Promise.reject(new Error('bad spec')), warn)).rejects.toThrow(
      'bad spec',
    );
  });
});
