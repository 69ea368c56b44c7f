/** `autodiff train` as a user runs it: the preset is recorded in the results; a bad config file exits 2. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDataDir, NO_DATA_MESSAGE } from '@llm-autodiff/sim';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { autodiff } from '../../testing/run-cli';

const HAS_DATA = findDataDir() !== undefined;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autodiff-preset-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('autodiff train with presets', () => {
  it.skipIf(!HAS_DATA)(
    `records the preset, what was overridden and every resolved value${HAS_DATA ? '' : ` (${NO_DATA_MESSAGE})`}`,
    async () => {
      const out = join(dir, 'r.json');
      const config = join(dir, 'run.yaml');
      writeFileSync(config, 'gdpo:\n  proposalsPerStep: 2\nmodels:\n  optimizer:\n    temperature: 0.5\n');
      const r = await autodiff([
        'train',
        '--task',
        'object-count',
        '--steps',
        '1',
        '--val',
        '4',
        '--test',
        '4',
        '--cache',
        'off',
        '--quiet',
        '--out',
        out,
        '--config',
        config,
        '--failed-rendering',
        'full',
      ]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const results = JSON.parse(readFileSync(out, 'utf8'));
      expect(results.preset.name).toBe('adalflow:object-count');
      expect(results.preset.overridden.sort()).toEqual([
        'gdpo.failedRendering',
        'gdpo.proposalsPerStep',
        'gdpo.steps',
        'models.optimizer.temperature',
      ]);
      expect(results.preset.settings.gdpo).toMatchObject({ historySize: 2, proposalsPerStep: 2, steps: 1 });
      // The method ran with the resolved values.
      expect(results.result.methodConfig).toMatchObject({
        historySize: 2,
        proposalsPerStep: 2,
        failedRendering: 'full',
      });
    },
  );

  it('a broken config file is a one-line usage error, exit 2, no results file', async () => {
    const config = join(dir, 'bad.json');
    writeFileSync(config, '{"gdpo": {"historySize": -1}}');
    const out = join(dir, 'r.json');
    const r = await autodiff(['train', '--task', 'object-count', '--config', config, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toMatch(
      /^autodiff train: --config .*bad\.json: gdpo\.historySize: Number must be greater than or equal to 0$/,
    );
    expect(() => readFileSync(out)).toThrow();
  });
});
