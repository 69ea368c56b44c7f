import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeSyntheticExperiment } from '../../testing/run-fixtures';
import {
  compareCommand,
  EXIT_BAD_INPUT,
  EXIT_OK,
  EXIT_REGRESSION,
  reportCommand,
  tableCommand,
} from './commands';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'outputs-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const sub of ['tables', 'plots']) {
    for (const name of (await readdir(join(dir, sub))).sort())
      files[`${sub}/${name}`] = await readFile(join(dir, sub, name), 'utf8');
  }
  try {
    files['report.html'] = await readFile(join(dir, 'report.html'), 'utf8');
  } catch {}
  return files;
}

describe('table and report commands', () => {
  it('rebuild tables, plots and report byte-identically from the saved runs', async () => {
    const dir = await writeSyntheticExperiment(join(tmp, 'quick'), { repeats: 2 });
    const c = capture();
    expect(await reportCommand(dir, c.io)).toBe(EXIT_OK);
    const first = await snapshot(dir);
    expect(Object.keys(first)).toEqual([
      'tables/gates.csv',
      'tables/gates.md',
      'tables/main.csv',
      'tables/main.md',
      'tables/usage.csv',
      'tables/usage.md',
      'plots/accuracy-per-step-object-count.svg',
      'plots/accuracy-per-step-trec.svg',
      'plots/accuracy-vs-tokens.svg',
      'plots/tokens-by-role.svg',
      'report.html',
    ]);
    expect(c.out[0]).toBe('12 run(s) of quick (simulated model):');
    expect(await tableCommand(dir, c.io)).toBe(EXIT_OK);
    expect(await reportCommand(dir, c.io)).toBe(EXIT_OK);
    expect(await snapshot(dir)).toEqual(first);
    expect(first['tables/main.md']).not.toMatch(/\d{4}-\d\d-\d\dT/);
  });

  it('fail with one line naming the broken file and write nothing', async () => {
    const dir = await writeSyntheticExperiment(join(tmp, 'quick'), {
      pipelines: ['trec'],
      methods: ['gdpo'],
      repeats: 1,
    });
    const runFile = join(dir, 'runs', 'trec__gdpo__r0', 'run.json');
    await writeFile(runFile, '{"format": "llm-autodiff/run@1"');
    const c = capture();
    expect(await tableCommand(dir, c.io)).toBe(EXIT_BAD_INPUT);
    expect(c.err).toHaveLength(1);
    expect(c.err[0]).toMatch(
      new RegExp(`^autodiff table: ${runFile.replace(/[/.]/g, '\\$&')}: not valid JSON`),
    );
    expect((await readdir(dir)).sort()).toEqual(['experiment.json', 'runs']);
    expect(await reportCommand(join(tmp, 'nope'), c.io)).toBe(EXIT_BAD_INPUT);
    expect(c.err[1]).toBe(`autodiff report: ${join(tmp, 'nope', 'experiment.json')}: missing`);
  });
});

describe('compare command', () => {
  it('passes on identical runs and fails on an injected accuracy drop or cost rise', async () => {
    const old = await writeSyntheticExperiment(join(tmp, 'old'), { repeats: 2 });
    const same = await writeSyntheticExperiment(join(tmp, 'same'), { repeats: 2 });
    const c = capture();
    expect(await compareCommand(old, same, undefined, c.io)).toBe(EXIT_OK);
    expect(c.out.join('\n')).toContain('No regression beyond the tolerances.');

    const worse = await writeSyntheticExperiment(join(tmp, 'worse'), {
      repeats: 2,
      override: ({ pipeline, method }) => (pipeline === 'trec' && method === 'gdpo' ? { accuracy: 0.3 } : {}),
    });
    const w = capture();
    expect(await compareCommand(old, worse, undefined, w.io)).toBe(EXIT_REGRESSION);
    const regressed = w.out
      .join('\n')
      .split('\n')
      .filter((l) => l.includes('REGRESSION'));
    expect(regressed).toHaveLength(1);
    expect(regressed[0]).toMatch(/^\| trec +\| gdpo +\| test accuracy %/);

    const costly = await writeSyntheticExperiment(join(tmp, 'costly'), {
      repeats: 2,
      override: ({ method }) => (method === 'textgrad' ? { costFactor: 1.1 } : {}),
    });
    const k = capture();
    expect(await compareCommand(old, costly, undefined, k.io)).toBe(EXIT_REGRESSION);
    expect(k.out.join('\n')).toMatch(/\| textgrad +\| backward tokens .*REGRESSION/);
    // A 10 % rise (up to +16.7 % where a small call count rounds up) is within a 20 % tolerance.
    expect(
      await compareCommand(old, costly, { accuracyDropPts: 1, callsRisePct: 20, tokensRisePct: 20 }, k.io),
    ).toBe(EXIT_OK);
  });
});
