/** `autodiff repro` as a user runs it: bad input, dry run and cost guard, a small sweep, skip and resume. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveSimSeed } from '@llm-autodiff/sim';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HAS_DATA, needsData } from '../../testing/data';
import { autodiff } from '../../testing/run-cli';
import { readExperiment } from '../repro/run-record';

let dir: string;
let results: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autodiff-repro-'));
  results = join(dir, 'results');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const TINY = `name: tiny
pipelines: [object-count]
methods: [start, gdpo]
sizes: { train: 4, val: 4, test: 4 }
config: { steps: 1, batchSize: 2, proposalsPerStep: 1 }
`;

function experimentFile(text: string): string {
  const file = join(dir, 'exp.yaml');
  writeFileSync(file, text);
  return file;
}

const repro = (file: string, ...extra: string[]) =>
  autodiff(['repro', file, '--results', results, '--cache', 'off', ...extra]);

describe('autodiff repro: bad input is one line, a non-zero exit and nothing written', () => {
  it('an unknown preset, a malformed file, an unknown method or model exit 2 naming the cause', async () => {
    const preset = await autodiff(['repro', 'quik', '--results', results]);
    expect(preset.code).toBe(2);
    expect(preset.err).toBe(
      'autodiff repro: unknown preset or file "quik" (presets: equal-budget, paper, quick; or a path to a .yaml/.json file)',
    );
    const method = await repro(experimentFile(TINY.replace('start, gdpo', 'start, gdpo, textgard')));
    expect(method.code).toBe(2);
    expect(method.err).toMatch(/exp\.yaml:3: methods\[2\]: unknown method "textgard" \(known: /);
    const model = await repro(experimentFile(`${TINY}models: { task: "gemini:pro" }\n`));
    expect(model.code).toBe(2);
    expect(model.err).toMatch(/exp\.yaml:6: models\.task: unknown model provider "gemini"/);
    const malformed = await repro(experimentFile('name: [x\n'));
    expect(malformed.code).toBe(2);
    expect(malformed.err.split('\n')).toHaveLength(1);
    const flag = await repro(experimentFile(TINY), '--max-cost', 'lots');
    expect(flag.code).toBe(2);
    expect(flag.err).toBe('autodiff repro: --max-cost must be a number >= 0, got "lots"');
    for (const r of [preset, method, model, malformed, flag]) expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(results)).toBe(false);
  });

  it('a real model without an API key exits 1 before any call, writing nothing', async () => {
    const before = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const r = await repro(experimentFile(TINY), '--task-model', 'openai:gpt-4o-mini');
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        'autodiff repro: task model: model openai:gpt-4o-mini: OPENAI_API_KEY is not set; export it in the environment (keys are read from there only)',
      );
      expect(existsSync(results)).toBe(false);
    } finally {
      if (before !== undefined) process.env.OPENAI_API_KEY = before;
    }
  });

  it.skipIf(!HAS_DATA)(needsData('an unwritable results folder exits 1 naming it'), async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    const r = await autodiff([
      'repro',
      experimentFile(TINY),
      '--results',
      join(blocker, 'results'),
      '--cache',
      'off',
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^autodiff repro: results folder .*a-file\/results\/tiny is not writable \(ENOTDIR\)$/,
    );
  });
});

describe('autodiff repro --dry-run and --max-cost', () => {
  it.skipIf(!HAS_DATA)(
    needsData('lists the planned runs and the estimate per role and method, runs nothing'),
    async () => {
      const r = await repro(experimentFile(TINY), '--dry-run');
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/object-count__start__r0\n\s+object-count__gdpo__r0/);
      expect(r.out).toMatch(/estimate per role:[\s\S]*optimizer\s+\d+\s+\d+\s+\$0\.00/);
      expect(r.out).toMatch(/estimate per method:[\s\S]*gdpo\s+\d+[\s\S]*start\s+\d+[\s\S]*total/);
      expect(existsSync(results)).toBe(false);
    },
  );

  it.skipIf(!HAS_DATA)(needsData('refuses a paid run above --max-cost before any call'), async () => {
    const before = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'sk-test-not-a-key';
    try {
      const r = await repro(experimentFile(TINY), '--task-model', 'openai:gpt-4o', '--max-cost', '0.0001');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(
        /^autodiff repro: refusing to start: estimated \$\d+\.\d\d on paid endpoints exceeds --max-cost 0\.0001$/,
      );
      expect(r.out + r.err).not.toContain('sk-test-not-a-key');
      expect(existsSync(results)).toBe(false);
      const dry = await repro(
        experimentFile(TINY),
        '--task-model',
        'openai:gpt-4o',
        '--max-cost',
        '0.0001',
        '--dry-run',
      );
      expect(dry.code).toBe(0);
      expect(dry.out).toMatch(
        /a run would refuse to start: estimated \$\d+\.\d\d on paid endpoints exceeds --max-cost/,
      );
      expect(dry.out).toMatch(/task\s+\d+\s+\d+\s+\$\d+\.\d\d/);
    } finally {
      if (before === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = before;
    }
  });
});

describe('a dry run needs no API key (issue 21, case 9)', () => {
  it.skipIf(!HAS_DATA)(needsData('repro --dry-run with a paid model and no key estimates'), async () => {
    const before = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const dry = await repro(experimentFile(TINY), '--task-model', 'openai:gpt-4o-mini', '--dry-run');
      expect(dry.err).toBe('');
      expect(dry.code).toBe(0);
      expect(dry.out).toMatch(/task\s+\d+\s+\d+\s+\$\d+\.\d\d/);
      // The real run still needs the key, and says so before any call.
      const real = await repro(experimentFile(TINY), '--task-model', 'openai:gpt-4o-mini');
      expect(real.code).toBe(1);
      expect(real.err).toContain('OPENAI_API_KEY is not set');
    } finally {
      if (before !== undefined) process.env.OPENAI_API_KEY = before;
    }
  });
});

describe('autodiff repro --replay', () => {
  it.skipIf(!HAS_DATA)(
    needsData('replays a recorded sweep from its cache; a miss stops it with one line and exit 1'),
    async () => {
      const cache = join(dir, 'cache.sqlite');
      const file = experimentFile(TINY);
      const sweep = (f: string, out: string, ...extra: string[]) =>
        autodiff(['repro', f, '--results', join(dir, out), '--cache', cache, ...extra]);
      const recorded = await sweep(file, 'recorded');
      expect(recorded.code).toBe(0);
      const replayed = await sweep(file, 'replayed', '--replay');
      expect(replayed.err).toBe('');
      expect(replayed.code).toBe(0);
      const finals = async (out: string) =>
        (await readExperiment(join(dir, out, 'tiny'))).runs.map((r) => [r.record.runId, r.record.final]);
      expect(await finals('replayed')).toEqual(await finals('recorded'));
      // One more test example: calls the cache never saw.
      const miss = await sweep(experimentFile(TINY.replace('test: 4', 'test: 5')), 'miss', '--replay');
      expect(miss.code).toBe(1);
      expect(miss.err).toMatch(
        /^autodiff repro: replay: no recorded response in cache .*cache\.sqlite for [^\n]*$/,
      );
    },
  );

  it('refuses --replay with --cache off, and a replay without its cache file, in one line', async () => {
    const off = await repro(experimentFile(TINY), '--replay');
    expect(off.code).toBe(2);
    expect(off.err.split('\n')[0]).toBe(
      'autodiff repro: --replay reads the cache; it cannot be used with --cache off',
    );
    const missing = await autodiff([
      'repro',
      experimentFile(TINY),
      '--results',
      results,
      '--cache',
      join(dir, 'none.sqlite'),
      '--replay',
    ]);
    expect(missing.code).toBe(2); // bad input (the --cache file), as for train
    expect(missing.err.split('\n')).toHaveLength(1);
    expect(missing.err).toContain('none.sqlite');
  });
});

describe('autodiff repro: a sweep', () => {
  it.skipIf(!HAS_DATA)(
    needsData(
      'writes every run per the saved-run contract (run-record.ts), skips finished runs, resumes an unfinished one from its checkpoint',
    ),
    async () => {
      const file = experimentFile(TINY);
      const first = await repro(file);
      expect(first.err).toBe('');
      expect(first.code).toBe(0);
      expect(first.out).toMatch(/runs: 2 done, 0 skipped/);
      expect(first.out).toContain('object-count__gdpo__r0: done; val ');
      const saved = await readExperiment(join(results, 'tiny'));
      expect(saved.simulated).toBe(true);
      expect(saved.runs.map((r) => r.record.runId)).toEqual([
        'object-count__gdpo__r0',
        'object-count__start__r0',
      ]);
      const gdpo = saved.runs[0]?.record;
      expect(gdpo?.status).toBe('done');
      expect(gdpo?.steps).toBe(3);
      // Each repeat meets its own simulated world, recorded with the run.
      expect(gdpo?.simSeed).toBe(deriveSimSeed(gdpo?.seed ?? -1, gdpo?.repeat ?? -1));
      expect(Object.keys(gdpo?.testScores ?? {})).toHaveLength(4);
      // Per-example scores agree with the run's own test scores (bootstrap CIs are drawn from them).
      const mean = (o: Record<string, number> | undefined) =>
        Object.values(o ?? {}).reduce((a, b) => a + b, 0) / Object.keys(o ?? {}).length;
      expect(mean(gdpo?.testScores)).toBeCloseTo(gdpo?.final.test ?? -1, 9);
      expect(mean(gdpo?.initialTestScores)).toBeCloseTo(gdpo?.initial.test ?? -1, 9);
      expect(gdpo?.usage.optimizer?.calls).toBeGreaterThan(0);
      const runDir = join(results, 'tiny', 'runs', 'object-count__gdpo__r0');
      expect(readdirSync(runDir).sort()).toEqual([
        'checkpoint.json',
        'checkpoint.json.spend.jsonl',
        'graphs',
        'run.json',
        'steps.jsonl',
      ]);
      expect(readdirSync(join(runDir, 'graphs')).sort()).toEqual([
        'step-01.dot',
        'step-01.json',
        'step-01.mmd',
      ]);

      const again = await repro(file);
      expect(again.code).toBe(0);
      expect(again.out).toMatch(/runs: 0 done, 2 skipped/);

      // An interrupted run: its checkpoint is there, its run.json is not.
      rmSync(join(runDir, 'run.json'));
      const resumed = await repro(file);
      expect(resumed.code).toBe(0);
      expect(resumed.out).toContain('object-count__gdpo__r0: resumed from its checkpoint');
      expect(resumed.out).toMatch(/runs: 1 done, 1 skipped/);
      const after = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as typeof gdpo;
      expect(after?.final).toEqual(gdpo?.final);
      expect(after?.values.final).toEqual(gdpo?.values.final);
    },
  );

  it.skipIf(!HAS_DATA)(
    needsData('refuses to resume into a folder written for another definition'),
    async () => {
      const first = await repro(experimentFile(TINY.replace('start, gdpo', 'start')));
      expect(first.code).toBe(0);
      const changed = await repro(
        experimentFile(TINY.replace('start, gdpo', 'start').replace('val: 4', 'val: 3')),
      );
      expect(changed.code).toBe(1);
      expect(changed.err).toMatch(
        /experiment\.json was written for a different definition of experiment "tiny"/,
      );
    },
  );
});
