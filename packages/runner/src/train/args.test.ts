import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBudget, parseTrainArgs } from './args';

describe('autodiff train flags', () => {
  it('parses a budget into total and per-role limits, merging kinds of one scope', () => {
    expect(parseBudget('total.calls=2000,backward.tokens=50000,backward.calls=3')).toEqual({
      total: { calls: 2000 },
      perRole: { backward: { tokens: 50000, calls: 3 } },
    });
    expect(parseBudget(undefined)).toBeUndefined();
    expect(parseBudget('total.usd=3')).toEqual({ total: { usd: 3 } });
    expect(() => parseBudget('total.dollars=3')).toThrow(
      /unknown kind "dollars" in "total.dollars=3"; valid kinds: calls, tokens, usd/,
    );
    expect(() => parseBudget('backwrd.calls=1')).toThrow(
      '--budget: unknown scope "backwrd" in "backwrd.calls=1"; valid scopes: total, task, backward, optimizer, teacher',
    );
    expect(() => parseBudget('')).toThrow(/--budget: empty; expected SCOPE.KIND=N/);
  });

  it('marks the config as given only when a trainer flag is set', () => {
    expect(parseTrainArgs(['--task', 'trec', '--val', '5']).configGiven).toBe(false);
    const a = parseTrainArgs(['--task', 'trec', '--concurrency', '2']);
    expect(a.configGiven).toBe(true);
    expect(a.config.concurrency).toBe(2);
  });

  it('takes the world seed of the sim models (none by default: derived from the trainer seed)', () => {
    expect(parseTrainArgs(['--task', 'trec']).simSeed).toBeUndefined();
    expect(parseTrainArgs(['--task', 'trec', '--sim-seed', '41']).simSeed).toBe(41);
    expect(() => parseTrainArgs(['--task', 'trec', '--sim-seed', '-1'])).toThrow(
      /--sim-seed must be an integer/,
    );
  });

  it('shares the flag syntax of the other commands: --flag=value, switches without a value', () => {
    const a = parseTrainArgs(['--task=trec', '--steps=3', '--quiet']);
    expect(a.task).toBe('trec');
    expect(a.config.steps).toBe(3);
    expect(a.quiet).toBe(true);
    expect(() => parseTrainArgs(['--task', 'trec', '--quiet=yes'])).toThrow(/unknown option '--quiet=yes'/);
    expect(() => parseTrainArgs(['--task', 'trec', '--steps'])).toThrow(/'--steps <n>' argument missing/);
    expect(() => parseTrainArgs(['trec'])).toThrow(/too many arguments/);
    expect(() => parseTrainArgs(['--task', 'trec', '--steps', 'x'])).toThrow(
      /^--steps must be an integer >= 0, got "x"$/,
    );
  });

  it('a list flag refuses empty items in one line', () => {
    expect(() => parseTrainArgs(['--task', 'trec', '--ablation', 'noHistory,,'])).toThrow(
      /^--ablation has an empty item in "noHistory,,"/,
    );
    expect(parseTrainArgs(['--task', 'trec', '--ablation', 'noHistory,noPeers']).config.ablations).toEqual({
      noHistory: true,
      noPeers: true,
    });
  });
});

describe('model defaults', () => {
  it('the simulated models by default', () => {
    expect(parseTrainArgs(['--task', 'trec']).models).toEqual({
      task: 'sim:task',
      backward: 'sim:large',
      optimizer: 'sim:large',
      teacher: 'sim:teacher',
    });
  });

  it('a real task model is never paired with simulated helpers it did not ask for', () => {
    const spec = 'openai:llama3.1@http://localhost:11434/v1';
    expect(
      parseTrainArgs(['--task', 'trec', '--task-model', spec, '--optimizer-model', 'openai:gpt-4o']).models,
    ).toEqual({ task: spec, backward: spec, optimizer: 'openai:gpt-4o', teacher: spec });
  });
});

describe('--method', () => {
  it('defaults to gdpo and names the results file after the method', () => {
    const a = parseTrainArgs(['--task', 'trec']);
    expect(a.method).toBe('gdpo');
    expect(a.out).toMatch(/results\/gdpo-trec-seed2025\.json$/);
    expect(parseTrainArgs(['--task', 'trec', '--method', 'gdpo']).method).toBe('gdpo');
  });

  it('an unknown method is a usage error listing the known ones', () => {
    expect(() => parseTrainArgs(['--task', 'trec', '--method', 'textgradd'])).toThrow(
      /unknown method "textgradd"; known methods: .*gdpo/,
    );
  });

  it('--method-config gives the method its own fields (JSON or a file), checked by the method', () => {
    const a = parseTrainArgs(['--task', 'trec', '--method', 'textgrad', '--method-config', '{"epochs":1}']);
    expect(a.config).toEqual({ epochs: 1 });
    expect(a.configGiven).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'mc-'));
    const file = join(dir, 'gepa.json');
    writeFileSync(file, '{"maxMetricCalls": 50}');
    expect(parseTrainArgs(['--task', 'trec', '--method', 'gepa', '--method-config', file]).config).toEqual({
      maxMetricCalls: 50,
    });
    expect(() =>
      parseTrainArgs(['--task', 'trec', '--method', 'textgrad', '--method-config', '{"epoch":1}']),
    ).toThrow(/^textgrad config: unknown field "epoch"/);
    expect(() => parseTrainArgs(['--task', 'trec', '--method-config', '{epochs'])).toThrow(
      /^--method-config: not valid JSON/,
    );
    expect(() => parseTrainArgs(['--task', 'trec', '--method-config', join(dir, 'none.json')])).toThrow(
      /^--method-config: no such file/,
    );
  });

  it('--steps and --batch set what each method says they set, or are refused naming its own field', () => {
    const config = (method: string, ...flags: string[]) =>
      parseTrainArgs(['--task', 'trec', '--method', method, ...flags]).config;
    expect(config('gdpo', '--steps', '3', '--batch', '5')).toEqual({ steps: 3, batchSize: 5 });
    expect(config('textgrad', '--steps', '2', '--batch', '5')).toEqual({
      epochs: 1,
      stepsPerEpoch: 2,
      batchSize: 5,
    });
    expect(config('textgrad', '--steps', '0')).toEqual({ epochs: 0 });
    expect(config('gepa', '--batch', '4')).toEqual({ minibatchSize: 4 });
    expect(config('mipro', '--batch', '8')).toEqual({ minibatchSize: 8 });
    // --method-config wins over the general flags.
    expect(config('textgrad', '--steps', '2', '--method-config', '{"epochs":3}')).toEqual({
      epochs: 3,
      stepsPerEpoch: 2,
    });
    expect(() => config('gepa', '--steps', '2')).toThrow(/^--steps does not apply to gepa: .*maxMetricCalls/);
    expect(() => config('bootstrap', '--batch', '2')).toThrow(/^--batch does not apply to bootstrap: /);
    expect(() => config('start', '--steps', '1')).toThrow(/^--steps does not apply to start: /);
  });

  it('passes on only the config fields a flag set (another method may not know GDPO fields)', () => {
    expect(parseTrainArgs(['--task', 'trec']).config).toEqual({});
    expect(
      parseTrainArgs(['--task', 'trec', '--strategy', 'random', '--ablation', 'noHistory']).config,
    ).toEqual({
      strategy: 'random',
      ablations: { noHistory: true },
    });
  });
});
