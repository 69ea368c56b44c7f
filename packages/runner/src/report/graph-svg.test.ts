import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticExperiment } from '../../testing/run-fixtures';
import { buildOutputs } from '../outputs/build-outputs';
import { readExperiment, type SavedExperiment, type SavedRun } from '../repro/run-record';
import { dotToSvg, withGraphPictures } from './graph-svg';

describe('backward graphs as pictures', () => {
  it('lays out DOT as an inline SVG element holding every node and edge, labels escaped', async () => {
    const svg = await dotToSvg(
      'digraph g {\n  "p#0" [label="say <count>", shape=box];\n  "o:1" [label="answer"];\n  "p#0" -> "o:1";\n}\n',
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).not.toMatch(/<\?xml|<!DOCTYPE|<!-- Generated/);
    expect(svg).toContain('say &lt;count&gt;');
    expect(svg).toContain('>answer</text>');
    expect(svg.match(/class="node"/g)).toHaveLength(2);
    expect(svg.match(/class="edge"/g)).toHaveLength(1);
    // Deterministic: the report rebuilds byte-identically.
    expect(await dotToSvg('digraph g { a -> b; }')).toBe(await dotToSvg('digraph g { a -> b; }'));
  });

  describe('in the report', () => {
    let tmp: string;
    let exp: SavedExperiment;
    beforeAll(async () => {
      tmp = await mkdtemp(join(tmpdir(), 'graph-svg-'));
      const dir = await writeSyntheticExperiment(join(tmp, 'quick'), {
        pipelines: ['trec'],
        methods: ['start', 'gdpo'],
        repeats: 1,
      });
      exp = await readExperiment(dir, { graphs: true });
    });
    afterAll(async () => {
      await rm(tmp, { recursive: true, force: true });
    });

    it('adds a picture to the last graph saved with DOT of each run and leaves the others as text', async () => {
      const gdpo = exp.runs.find((r) => r.record.method === 'gdpo');
      if (!gdpo) throw new Error('fixture has no gdpo run');
      expect(gdpo.graphs).toHaveLength(1);
      const withoutDot = { ...gdpo, graphs: gdpo.graphs.map(({ dot: _, ...g }) => g) };
      const [pictured, textOnly] = await withGraphPictures([gdpo, withoutDot]);
      expect(pictured?.graphs[0]?.svg).toMatch(/^<svg[\s\S]*>system_prompt<\/text>/);
      expect(textOnly?.graphs[0]?.svg).toBeUndefined();
      // Three steps: only the last one is drawn.
      const steps = [1, 2, 3].map((step) => ({ ...gdpo.graphs[0], step })) as SavedRun['graphs'];
      const [drawn] = await withGraphPictures([{ ...gdpo, graphs: steps }]);
      expect(drawn?.graphs.map((g) => g.svg !== undefined)).toEqual([false, false, true]);
    });

    it('inlines the pictures in report.html, the Mermaid source folded beside them', async () => {
      const files = await buildOutputs(exp, { report: true });
      const html = files.find((f) => f.path === 'report.html')?.text ?? '';
      expect(html.match(/<figure class="graph"[^>]*>\s*<svg/g)).toHaveLength(1);
      expect(html).toContain('graph source (Mermaid, 2 nodes, 1 edges)');
    });
  });
});
