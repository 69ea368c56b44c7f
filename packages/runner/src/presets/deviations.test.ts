import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTrainArgs } from '../train/args';
import { trainOptions } from '../train/options';
import { DEVIATIONS } from './deviations';
import { PRESETS } from './reference-presets';
import { resolveRunSettings } from './run-settings';
import { deepMerge } from './settings';
import { deviationsTable, presetTable } from './tables';

const readme = readFileSync(
  resolve(dirname(fileURLToPath(import.meta.url)), '../../../../README.md'),
  'utf8',
);

describe('deviations from the reference', () => {
  it('the README shows the deviations and the presets as rendered from the code', () => {
    expect(readme).toContain('## Deviations from the reference');
    // Biome pads Markdown tables; compare the cells, not the padding.
    const cells = (text: string) => text.replace(/[ \t]*\|[ \t]*/g, '|').replace(/-{3,}/g, '---');
    expect(cells(readme)).toContain(cells(deviationsTable()));
    expect(cells(readme)).toContain(cells(presetTable()));
  });

  it('covers every difference the issue names, once each', () => {
    const ids = DEVIATIONS.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [
      'history-size',
      'failed-proposals',
      'parse-failure',
      'demo-optimization',
      'object-count-parser',
      'hotpot-normalization',
      'backward-accounting',
      'engine-dedupe',
      'linear-insertion',
      'optimizer-cache',
    ])
      expect(ids).toContain(id);
  });

  it("each row's switch exists and restores exactly what it says; a row without one says why", async () => {
    for (const d of DEVIATIONS) {
      expect(d.effect.length, d.id).toBeGreaterThan(0);
      if (!d.switch) {
        expect(d.noSwitch?.length ?? 0, d.id).toBeGreaterThan(10);
        continue;
      }
      expect(d.noSwitch, d.id).toBeUndefined();
      const flag = d.switch.flags[0] as string;
      expect(
        trainOptions().map((o) => o.long),
        d.id,
      ).toContain(flag);
      const args = parseTrainArgs(['--task', 'object-count', ...d.switch.flags]);
      const resolved = await resolveRunSettings(args);
      expect(resolved.settings, d.id).toEqual(deepMerge(PRESETS['object-count'].settings, d.switch.restores));
      if (flag === '--cache') expect(args.cache).toBe('off');
    }
  });
});
