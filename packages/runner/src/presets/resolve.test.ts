import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScriptedModel } from '@llm-autodiff/llm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTrainArgs } from '../train/args';
import { UsageError } from '../usage-error';
import { parseSetFlag, readSettingsFile, resolveSettingsLayers } from './resolve';
import { resolveRunSettings } from './run-settings';
import { withSampling } from './sampling';
import { samplingOf } from './settings';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autodiff-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const resolveFlags = (...flags: string[]) =>
  resolveRunSettings(parseTrainArgs(['--task', 'object-count', ...flags]));

describe('run settings', () => {
  it('starts from the preset and records what was overridden', async () => {
    const r = await resolveFlags();
    expect(r.preset).toBe('adalflow:object-count');
    expect(r.settings.gdpo.historySize).toBe(2);
    expect(r.overridden).toEqual([]);
    const s = await resolveFlags('--steps', '3', '--history', '4');
    expect(s.settings.gdpo.steps).toBe(3);
    expect(s.overridden.sort()).toEqual(['gdpo.historySize', 'gdpo.steps']);
  });

  it("another method's --method-config fields are its own, not GDPO's (the trainer flags still apply)", async () => {
    const r = await resolveFlags('--method', 'textgrad', '--method-config', '{"epochs":1}', '--seed', '5');
    expect(r.settings.gdpo).toEqual((await resolveFlags()).settings.gdpo);
    expect(r.settings.trainer.seed).toBe(5);
    expect(r.overridden).toEqual(['trainer.seed']);
  });

  it('layers preset < config file < --set < flags', async () => {
    const yaml = join(dir, 'run.yaml');
    writeFileSync(yaml, 'gdpo:\n  historySize: 7\n  steps: 9\nmodels:\n  task:\n    temperature: 0.3\n');
    const fromFile = await resolveFlags('--config', yaml);
    expect(fromFile.settings.gdpo).toMatchObject({ historySize: 7, steps: 9 });
    expect(fromFile.settings.models.task).toMatchObject({ temperature: 0.3, topP: 0.99 });
    const layered = await resolveFlags(
      '--config',
      yaml,
      '--set',
      'gdpo.steps=5,gdpo.historySize=6',
      '--history',
      '1',
    );
    expect(layered.settings.gdpo).toMatchObject({ historySize: 1, steps: 5 });
    const json = join(dir, 'run.json');
    writeFileSync(
      json,
      JSON.stringify({ trainer: { seed: 7 }, pipeline: { objectCountParser: 'reference' } }),
    );
    expect((await resolveFlags('--config', json)).settings).toMatchObject({
      trainer: { seed: 7, concurrency: 4 },
      pipeline: { objectCountParser: 'reference' },
    });
  });

  it('rejects a bad file or value in one line naming the path', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'gdpo:\n  historySize: many\n');
    await expect(readSettingsFile(bad)).rejects.toThrow(
      /--config .*bad\.yaml: gdpo\.historySize: Expected number/,
    );
    writeFileSync(bad, 'gdpo:\n  histroySize: 2\n');
    await expect(readSettingsFile(bad)).rejects.toThrow(/Unrecognized key\(s\) in object: 'histroySize'/);
    writeFileSync(bad, 'gdpo: [\n');
    await expect(readSettingsFile(bad)).rejects.toThrow(/not valid YAML/);
    await expect(readSettingsFile(join(dir, 'none.json'))).rejects.toThrow(/cannot read it \(ENOENT\)/);
    await expect(readSettingsFile(join(dir, 'x.toml'))).rejects.toThrow(UsageError);
    expect(() => parseSetFlag('gdpo.failedRendering=sometimes')).toThrow(
      /gdpo\.failedRendering: Invalid enum value/,
    );
    expect(() => parseSetFlag('steps')).toThrow(/expected PATH=VALUE/);
    expect(() => resolveSettingsLayers('trec', [{ gdpo: { batchSize: 0 } }])).toThrow(
      /settings: gdpo\.batchSize: Number must be greater than or equal to 1/,
    );
    expect(() => parseTrainArgs(['--task', 'trec', '--failed-rendering', 'some'])).toThrow(
      '--failed-rendering must be reference or full, got "some"',
    );
  });

  it("sets each role's sampling options on its requests; a request's own options win", async () => {
    const seen: unknown[] = [];
    const model = ScriptedModel.fn((req) => {
      seen.push(req.options);
      return 'ok';
    });
    const { settings } = await resolveFlags('--set', 'models.optimizer.maxTokens=500');
    const task = withSampling(model, samplingOf(settings.models.task));
    await task.complete({ messages: [{ role: 'user', content: 'q' }] });
    const optimizer = withSampling(model, samplingOf(settings.models.optimizer));
    await optimizer.complete({ messages: [{ role: 'user', content: 'q' }], options: { temperature: 0.5 } });
    expect(seen).toEqual([
      { temperature: 0, topP: 0.99, maxTokens: 2000 },
      { temperature: 0.5, topP: 0.99, maxTokens: 500 },
    ]);
  });
});
