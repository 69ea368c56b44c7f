/**
 * Issue 10 through `autodiff train`, in process, with the real `openai` client against the sim server:
 * model controls and retries, budgets (step 0 included), the run manifest, output-path preflight, the
 * checkpoint's schema and lock, seeds. Every error is one line and a non-zero exit, before any call.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SimServer, startSimServer } from '@llm-autodiff/sim';
import { lockCheckpoint } from '@llm-autodiff/trainer';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { autodiff, httpTrainArgs } from '../../testing/child-cli';
import { HAS_DATA, needsData } from '../../testing/data';
import { readTrainResults } from './results-file';

let dir: string;
let server: SimServer;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autodiff-safe-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  server = await startSimServer({ port: 0 });
});
afterAll(() => server.close());

/** A small ObjectCount run whose four roles talk to the sim server through the openai client. */
function http(url: string, ...extra: string[]): string[] {
  return [...httpTrainArgs(url), ...extra];
}

const files = (name: string) => ['--out', join(dir, `${name}.json`), '--cache', join(dir, 'cache.sqlite')];
const readJson = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;

/** One clear line on stderr, a non-zero code, no model request, no results file. */
async function refused(args: string[], code: number, ...needles: string[]): Promise<string> {
  const before = server.stats.requests;
  const r = await autodiff(args);
  expect(r.code).toBe(code);
  const first = r.err.split('\n')[0] ?? '';
  for (const n of needles) expect(first).toContain(n);
  expect(first).not.toMatch(/\n\s+at /);
  expect(server.stats.requests).toBe(before);
  return first;
}

describe('model controls through one pool', () => {
  it.skipIf(!HAS_DATA)(
    needsData(
      'roles on one endpoint share one model; --concurrency is not capped; retries are printed and counted',
    ),
    async () => {
      const faulty = await startSimServer({
        port: 0,
        faults: { rate429: 0.15, truncated: 0.05 },
        retryAfterSeconds: 0,
      });
      try {
        const out = join(dir, 'ctl.json');
        const r = await autodiff([
          ...http(faulty.url, '--out', out, '--cache', 'off'),
          '--concurrency',
          '16',
          '--max-retries',
          '8',
          '--timeout',
          '30s',
        ]);
        expect(r.code).toBe(0);
        expect(r.err).toMatch(/^retry: openai:sim:\w+@.* on attempt \d of 9; next attempt in/m);
        const saved = readJson<{
          modelControls: Array<{ id: string; roles: string[]; controls: Record<string, number> }>;
          usageByRole: Record<
            string,
            { retries: number; billedFailedAttempts: number; failedAttempts: number }
          >;
        }>(out);
        // Task and teacher share sim:task; backward and optimizer share sim:large: two models, not four.
        expect(saved.modelControls.map((m) => m.roles.sort())).toEqual([
          ['task', 'teacher'],
          ['backward', 'optimizer'],
        ]);
        for (const m of saved.modelControls)
          expect(m.controls).toEqual({ timeoutMs: 30_000, maxRetries: 8, maxConcurrency: 16 });
        const retries = Object.values(saved.usageByRole).reduce((n, u) => n + u.retries, 0);
        expect(retries).toBeGreaterThan(0);
        expect(saved.usageByRole.task?.failedAttempts).toBeGreaterThan(0);
      } finally {
        await faulty.close();
      }
    },
    60_000,
  );

  it('bad control values are usage errors naming the flag', async () => {
    await refused(http(server.url, '--timeout', 'soon'), 2, '--timeout');
    await refused(http(server.url, '--max-concurrency', '0'), 2, '--max-concurrency');
    await refused(http(server.url, '--max-retries', '-1'), 2, '--max-retries');
  });
});

describe('budgets', () => {
  it.skipIf(!HAS_DATA)(
    needsData('a budget reached during step 0 leaves a resumable checkpoint, invents no score, exits 3'),
    async () => {
      const out = join(dir, 'b.json');
      const r = await autodiff([...http(server.url, ...files('b')), '--budget', 'task.calls=3']);
      expect(r.code).toBe(3);
      expect(r.out).toContain('PARTIAL: budget reached');
      expect(r.out).toContain('validation:   n/a  ->   n/a');
      expect(r.out).not.toContain('0.0000 -> 0.0000');
      expect(r.err).toContain('(with a larger --budget): autodiff train');
      const partial = readJson<{ result: { partial: boolean; initial?: unknown; final: { val?: number } } }>(
        out,
      );
      expect(partial.result.partial).toBe(true);
      expect(partial.result.initial).toBeUndefined();
      expect(partial.result.final.val).toBeUndefined();
      const ckpt = readJson<{ step: number; stopped: string }>(join(dir, 'b.ckpt.json'));
      expect(ckpt.step).toBe(-1);
      expect(ckpt.stopped).toContain('budget reached');

      const resumed = await autodiff([...http(server.url, ...files('b')), '--resume']);
      expect(resumed.err).toBe('');
      expect(resumed.code).toBe(0);
      const fresh = await autodiff(http(server.url, '--out', join(dir, 'fresh.json'), '--cache', 'off'));
      expect(fresh.code).toBe(0);
      type R = { result: { values: unknown; initial: unknown; final: unknown } };
      const a = readJson<R>(out).result;
      const b = readJson<R>(join(dir, 'fresh.json')).result;
      expect([a.values, a.initial, a.final]).toEqual([b.values, b.initial, b.final]);
    },
    60_000,
  );

  it('an empty budget or a typo in a scope is an error, never an unenforced limit', async () => {
    await refused(http(server.url, '--budget', ''), 2, '--budget');
    await refused(http(server.url, '--budget', 'backwrd.calls=1'), 2, 'backwrd');
  });
});

describe('run manifest', () => {
  it.skipIf(!HAS_DATA)(
    needsData(
      'is in the checkpoint and the results; a resume with another model is refused, listing the differences',
    ),
    async () => {
      const out = join(dir, 'm.json');
      expect(
        (await autodiff([...http(server.url, ...files('m')), '--budget', 'optimizer.calls=1'])).code,
      ).toBe(3);
      const saved = readJson<{ manifest: Record<string, unknown> }>(out).manifest;
      expect(saved).toMatchObject({
        models: { task: { spec: 'openai:sim:task', id: `openai:sim:task@${server.url}` } },
        seed: 2025,
        repeat: 0,
        cacheSalt: expect.stringContaining('2025'),
        data: { val: { examples: 4, sha256: expect.stringMatching(/^[0-9a-f]{16}$/) } },
        versions: { '@llm-autodiff/llm': expect.any(String) },
        // The preset's sampling options on every request of the role (object-count: the reference's).
        sampling: { task: { temperature: 0, topP: 0.99, maxTokens: 2000 } },
      });
      expect(readJson<{ manifest: unknown }>(join(dir, 'm.ckpt.json')).manifest).toEqual(saved);
      const line = await refused(
        [
          ...http(server.url, ...files('m')).map((a) =>
            a === 'openai:sim:large' ? 'openai:sim:teacher' : a,
          ),
          '--resume',
        ],
        2,
        "differs from the checkpoint's manifest",
        'models.backward.spec: "openai:sim:large" (checkpoint) vs "openai:sim:teacher" (now)',
        'models.optimizer.spec',
      );
      expect(line).toContain('m.ckpt.json');
      const repeat = await refused([...http(server.url, ...files('m')), '--resume', '--repeat', '1'], 2);
      expect(repeat).toContain('repeat: 0 (checkpoint) vs 1 (now)');
    },
    60_000,
  );
});

describe('preflight of output paths, before the first call', () => {
  it('--out equal to --checkpoint, a directory, a file as --graph, an empty --cache: one line naming the path', async () => {
    const same = join(dir, 'same.json');
    await refused(
      http(server.url, '--out', same, '--checkpoint', same),
      2,
      `--checkpoint ${same} is the same path as --out`,
    );
    mkdirSync(join(dir, 'adir'));
    await refused(
      http(server.url, '--out', join(dir, 'adir')),
      2,
      `--out ${join(dir, 'adir')}: is a directory`,
    );
    writeFileSync(join(dir, 'afile'), 'x');
    await refused(
      http(server.url, '--out', join(dir, 'o.json'), '--graph', join(dir, 'afile')),
      2,
      `--graph ${join(dir, 'afile')}: is a file`,
    );
    await refused(
      http(server.url, '--out', join(dir, 'afile', 'o.json')),
      2,
      `--out ${join(dir, 'afile', 'o.json')}: ${join(dir, 'afile')} is a file`,
    );
    await refused(http(server.url, '--out', join(dir, 'o.json'), '--cache', ''), 2, '--cache needs a file');
    await refused(
      http(server.url, '--out', join(dir, 'o.json'), '--cache', join(dir, 'adir')),
      2,
      join(dir, 'adir'),
    );
    await refused(
      http(server.url, '--out', join(dir, 'o.json'), '--cache', join(dir, 'none.sqlite'), '--replay'),
      2,
      join(dir, 'none.sqlite'),
    );
    await refused(
      http(server.url, '--out', join(dir, 'o.json'), '--cache', 'off', '--replay'),
      2,
      '--replay',
    );
    expect(readdirSync(dir).sort()).toEqual(['adir', 'afile']);
  });

  it.skipIf(process.getuid?.() === 0)(
    'a folder this user cannot write is refused before any call',
    async () => {
      const locked = join(dir, 'ro');
      mkdirSync(locked);
      chmodSync(locked, 0o555);
      await refused(
        http(server.url, '--out', join(locked, 'o.json')),
        2,
        `its folder ${locked} is not writable`,
      );
    },
  );
});

describe('checkpoint schema, lock and seeds', () => {
  const base = () => http(server.url, '--out', join(dir, 'c.json'), '--cache', 'off');

  it.skipIf(!HAS_DATA)(
    needsData('a hand-edited checkpoint is one line naming the file and the field'),
    async () => {
      expect((await autodiff([...base(), '--budget', 'optimizer.calls=1'])).code).toBe(3);
      const path = join(dir, 'c.ckpt.json');
      const good = readFileSync(path, 'utf8');
      const cases: Array<[string, (c: Record<string, unknown>) => void, string]> = [
        ['step', (c) => Object.assign(c, { step: 'abc' }), 'field "step"'],
        ['rng', (c) => Object.assign(c, { rng: [1, 2, -3, 4] }), 'field "rng[2]"'],
        ['rng', (c) => Object.assign(c, { rng: 'seed' }), 'field "rng"'],
        ['records', (c) => Object.assign(c, { records: 'x' }), 'field "records"'],
        ['bestVal', (c) => Object.assign(c, { bestVal: 7 }), 'field "bestVal"'],
        [
          'seed',
          (c) => Object.assign(c, { trainer: { ...(c.trainer as object), seed: 2 ** 32 } }),
          'field "trainer.seed"',
        ],
      ];
      for (const [, edit, field] of cases) {
        const c = JSON.parse(good) as Record<string, unknown>;
        edit(c);
        writeFileSync(path, JSON.stringify(c));
        await refused([...base(), '--resume'], 2, `checkpoint ${path}: ${field}`);
      }
    },
    60_000,
  );

  it.skipIf(!HAS_DATA)(needsData('two runs cannot share one checkpoint'), async () => {
    const path = join(dir, 'c.ckpt.json');
    const release = await lockCheckpoint(path);
    try {
      await refused(base(), 2, `checkpoint ${path} is in use by another run`);
    } finally {
      await release();
    }
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('seeds of 2^32 and above are refused (they would collide with smaller ones)', async () => {
    await refused([...base(), '--seed', String(2 ** 32)], 2, '--seed must be at most 4294967295');
  });
});

describe('results file schema', () => {
  it.skipIf(!HAS_DATA)(
    needsData('the written results validate; a hand-edited file is one line naming the file and the field'),
    async () => {
      const out = join(dir, 'r.json');
      expect((await autodiff(http(server.url, '--out', out, '--cache', 'off'))).code).toBe(0);
      const saved = await readTrainResults(out);
      expect(saved.result.partial).toBe(false);
      const edited = JSON.parse(readFileSync(out, 'utf8')) as { result: { final: { test: unknown } } };
      edited.result.final.test = 'high';
      writeFileSync(out, JSON.stringify(edited));
      await expect(readTrainResults(out)).rejects.toThrow(`results ${out}: field "result.final.test"`);
    },
    60_000,
  );
});
