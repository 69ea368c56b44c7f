/**
 * A new method is one folder plus one registration line: the toy method of tests/toy-method/ (nothing of
 * it anywhere else) runs through `autodiff train`, `autodiff repro --dry-run` and `autodiff repro`, and
 * the estimator scales measured counts with its own cost model.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExperimentSchema, methods as runnerMethods } from '@llm-autodiff/runner';
import { findDataDir, NO_DATA_MESSAGE } from '@llm-autodiff/sim';
import { methods } from '@llm-autodiff/trainer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimate } from '../packages/runner/src/repro/estimate';
import { planExperiment } from '../packages/runner/src/repro/plan';
import type { StepCountTable } from '../packages/runner/src/repro/step-counts';
import { autodiff } from '../packages/runner/testing/run-cli';
import { hintAppend } from './toy-method';

const HAS_DATA = findDataDir() !== undefined;
const needsData = (name: string) => (HAS_DATA ? name : `${name} (${NO_DATA_MESSAGE})`);

let dir: string;
let unregister: () => void;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'toy-method-'));
  // The one registration line (a shipped method's goes into packages/runner/src/methods.ts).
  unregister = methods.register(hintAppend);
});
afterAll(() => {
  unregister();
  rmSync(dir, { recursive: true, force: true });
});

const EXPERIMENT = {
  name: 'toy',
  pipelines: ['object-count'],
  methods: ['start', 'hint-append'],
  sizes: { train: 4, val: 6, test: 4 },
  methodConfig: { 'hint-append': { steps: 2 } },
};

function experimentFile(): string {
  const file = join(dir, 'toy.json');
  writeFileSync(file, JSON.stringify(EXPERIMENT));
  return file;
}

/** Every source file under `root` (no node_modules, no build output). */
function sources(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    if (name === 'node_modules' || name === 'dist') return [];
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('a toy method: one folder and one registration line', () => {
  it('is named nowhere in the packages: the runner learns of it from the registry alone', () => {
    const packages = join(import.meta.dirname, '..', 'packages');
    const mentions = readdirSync(packages)
      .flatMap((p) => (existsSync(join(packages, p, 'src')) ? sources(join(packages, p, 'src')) : []))
      .filter((f) => readFileSync(f, 'utf8').includes('hint-append'));
    expect(mentions).toEqual([]);
    expect(runnerMethods.get('hint-append')).toBe(hintAppend);
  });

  it.skipIf(!HAS_DATA)(
    needsData('trains with autodiff train; --steps sets its field, --batch is refused'),
    async () => {
      const out = join(dir, 'train.json');
      const r = await autodiff([
        'train',
        ...['--task', 'object-count', '--method', 'hint-append', '--steps', '2'],
        ...['--train', '4', '--val', '6', '--test', '4', '--cache', 'off', '--quiet', '--out', out],
      ]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const { result } = JSON.parse(readFileSync(out, 'utf8'));
      expect(result.method).toBe('hint-append');
      expect(result.methodConfig).toEqual({ steps: 2, hints: ['Count carefully.', 'Check your answer.'] });
      expect(result.steps.map((s: { phase: string }) => s.phase)).toEqual(['init', 'hint', 'hint', 'final']);

      const batch = await autodiff([
        'train',
        '--task',
        'object-count',
        '--method',
        'hint-append',
        '--batch',
        '2',
      ]);
      expect(batch.code).toBe(2);
      expect(batch.err).toBe(
        'autodiff train: --batch does not apply to hint-append: it reads no training examples',
      );
    },
  );

  it.skipIf(!HAS_DATA)(needsData('plans and estimates with autodiff repro --dry-run'), async () => {
    const r = await autodiff([
      'repro',
      experimentFile(),
      '--results',
      join(dir, 'dry'),
      '--cache',
      'off',
      '--dry-run',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/object-count__start__r0\n\s+object-count__hint-append__r0/);
    // No counts were measured for it: said so, never invented.
    expect(r.out).toMatch(/not estimated \(no measured counts for hint-append on object-count\)/);
    expect(existsSync(join(dir, 'dry'))).toBe(false);
  });

  it('its cost model scales measured counts given as data', () => {
    const plan = planExperiment(ExperimentSchema.parse({ ...EXPERIMENT, sizes: { val: 10, test: 4 } }), dir);
    const tokens = { prompt: 100, completion: 10 };
    const table: StepCountTable = {
      format: 2,
      measured: 'test data',
      pipelines: {
        'object-count': {
          shape: { prompts: 1, demoSlots: 0 },
          eval: { callsPerExample: { task: 1 }, tokensPerCall: { task: tokens } },
          methods: {
            'hint-append': {
              reference: { config: { steps: 1 }, sizes: { train: 4, val: 5, test: 4 }, repeats: 1, steps: 1 },
              // Measured: 4 task calls where the driver (steps × val) was 5.
              phases: { steps: { task: { calls: 4, driver: 5, tokensPerCall: tokens } } },
              final: { callsPerExample: { task: 1 }, tokensPerCall: { task: tokens } },
            },
          },
        },
      },
    };
    const e = estimate(
      plan.runs,
      table,
      {},
      () => ({ train: 50, val: 100, test: 100 }),
      (s) => s,
    );
    const calls = Object.fromEntries(e.runs.map((r) => [r.method, r.byRole.task?.calls]));
    // start: val 10 + test 4. hint-append (2 steps): 14 + 4/5 × (2 × 10) + the final test's 4.
    expect(calls).toEqual({ start: 14, 'hint-append': 34 });
  });

  it.skipIf(!HAS_DATA)(needsData('runs with autodiff repro'), async () => {
    const results = join(dir, 'results');
    const r = await autodiff(['repro', experimentFile(), '--results', results, '--cache', 'off']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const run = JSON.parse(
      readFileSync(join(results, 'toy', 'runs', 'object-count__hint-append__r0', 'run.json'), 'utf8'),
    );
    expect(run).toMatchObject({ method: 'hint-append', status: 'done', steps: 4 });
    const start = JSON.parse(
      readFileSync(join(results, 'toy', 'runs', 'object-count__start__r0', 'run.json'), 'utf8'),
    );
    // Evaluation only: the initial validation and test, each split once.
    expect(start).toMatchObject({ method: 'start', status: 'done', steps: 1 });
    expect(start.usage.task.calls).toBe(6 + 4);
  });
});
