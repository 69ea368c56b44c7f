import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { autodiff } from '../../testing/run-cli';
import { valuesIn } from '../eval/values';

const dir = mkdtempSync(join(tmpdir(), 'autodiff-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CUED_DATES = 'Classify the question. Dates, years and durations are NUM.';

describe('autodiff eval', () => {
  it('scores the starting prompts, then a values map, with score, n, split, values and usage', async () => {
    const start = join(dir, 'start.json');
    const r = await autodiff(['eval', '--task', 'trec', '--split', 'val', '--size', '12', '--out', start]);
    expect(r.code, r.err).toBe(0);
    const a = JSON.parse(readFileSync(start, 'utf8'));
    expect(a).toMatchObject({ n: 12, split: 'val', pipeline: 'trec', simulated: true });
    expect(a.score).toBeGreaterThanOrEqual(0);
    expect(a.score).toBeLessThanOrEqual(1);
    expect(Object.keys(a.values).sort()).toEqual(['trec.instruction', 'trec.output_format']);
    expect(a.usage.calls).toBe(12);

    const values = join(dir, 'values.json');
    writeFileSync(values, JSON.stringify({ 'trec.instruction': CUED_DATES }));
    const out = join(dir, 'cued.json');
    const r2 = await autodiff([
      'eval',
      '--task',
      'trec',
      '--values',
      values,
      '--split',
      'val',
      '--size',
      '12',
      '--out',
      out,
    ]);
    expect(r2.code, r2.err).toBe(0);
    const b = JSON.parse(readFileSync(out, 'utf8'));
    expect(b.values['trec.instruction']).toBe(CUED_DATES);
    // The format slot keeps its starting value: every parameter's value used is reported.
    expect(b.values['trec.output_format']).toBe(a.values['trec.output_format']);
  }, 120_000);

  it('refuses an unknown parameter, a wrong type and an unreadable file in one line, exit 2, no output', async () => {
    const out = join(dir, 'never.json');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ 'trec.nope': 'x' }));
    let r = await autodiff(['eval', '--task', 'trec', '--values', bad, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^autodiff eval: "trec.nope" is not a parameter of this pipeline/);
    writeFileSync(bad, JSON.stringify({ 'trec.instruction': 3 }));
    r = await autodiff(['eval', '--task', 'trec', '--values', bad, '--out', out]);
    expect(r.err).toMatch(/"trec.instruction" must be a string/);
    r = await autodiff(['eval', '--task', 'trec', '--values', join(dir, 'missing.json'), '--out', out]);
    expect(r.code).toBe(2);
    r = await autodiff(['eval', '--task', 'trec', '--pipeline', 'hotpot-vanilla', '--out', out]);
    expect(r.err).toMatch(/belongs to task "hotpot"/);
    expect(() => readFileSync(out)).toThrow();
  }, 120_000);

  it('reads values from a checkpoint, a train results file and a run record', () => {
    const v = { 'trec.instruction': 'x' };
    expect(valuesIn({ format: 'llm-autodiff/checkpoint@3', values: v }).values).toEqual(v);
    expect(valuesIn({ result: { values: v } }).values).toEqual(v);
    expect(valuesIn({ format: 'llm-autodiff/run@1', values: { initial: {}, final: v } }).values).toEqual(v);
    expect(valuesIn(v)).toEqual({ values: v, source: 'values map' });
    expect(() => valuesIn([1])).toThrow(/JSON object/);
  });
});
