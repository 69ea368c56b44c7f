/**
 * Issue 10: every call is cached under the run's salt, and `--replay` reproduces a run offline. Each of
 * the six pipelines trains through the real `openai` client against the sim server; the server is then
 * stopped (its base URL now points at a closed port) and the replay must give the same result with
 * every call served from the cache.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimServer } from '@llm-autodiff/sim';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { autodiff, httpTrainArgs } from '../../testing/child-cli';
import { HAS_DATA, needsData } from '../../testing/data';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autodiff-replay-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const PIPELINES: Array<[task: string, pipeline: string, extra: string[]]> = [
  ['object-count', 'object-count', ['--demo-steps', '1']],
  ['trec', 'trec', []],
  ['hotpot', 'hotpot-vanilla', []],
  ['hotpot', 'hotpot-multihop', []],
  ['hotpot', 'hotpot-cycle', []],
  ['hotpot', 'hotpot-agent', []],
];

function runArgs(task: string, pipeline: string, url: string, name: string, extra: string[]): string[] {
  return [
    ...httpTrainArgs(url, { task, pipeline, val: 3, test: 3, teacherModel: 'openai:sim:teacher' }),
    '--cache',
    join(dir, 'cache.sqlite'),
    '--max-retries',
    '0',
    '--out',
    join(dir, `${name}.json`),
    ...extra,
  ];
}

interface Saved {
  result: { steps: Array<Record<string, unknown>>; wallMs: number } & Record<string, unknown>;
  usageByRole: Record<string, { calls: number; cacheHits: number }>;
  manifest: Record<string, unknown>;
}

/** The result without what legitimately differs between a run and its replay: timings and usage. */
function comparable(saved: Saved): unknown {
  // `spent` is what was billed: the live run's calls, none for the replay (checked apart).
  const { wallMs: _w, steps, usage: _u, spent: _s, ...rest } = saved.result;
  return {
    ...rest,
    steps: steps.map(({ wallMs: _sw, usage: _su, ...s }) => s),
  };
}

describe('autodiff train --replay', () => {
  for (const [task, pipeline, extra] of PIPELINES) {
    it.skipIf(!HAS_DATA)(
      needsData(`${pipeline}: the replay, with the server gone, reproduces the run from the cache alone`),
      async () => {
        const server = await startSimServer({ port: 0 });
        let served: number;
        try {
          const live = await autodiff(runArgs(task, pipeline, server.url, 'live', extra));
          expect(live.err).toBe('');
          expect(live.code).toBe(0);
        } finally {
          served = server.stats.requests;
          await server.close();
        }
        expect(served).toBeGreaterThan(0);
        const replay = await autodiff([
          ...runArgs(task, pipeline, server.url, 'replay', extra),
          '--replay',
          '--checkpoint',
          join(dir, 'replay.ckpt.json'),
        ]);
        expect(replay.err).toBe('');
        expect(replay.code).toBe(0);
        const a = JSON.parse(readFileSync(join(dir, 'live.json'), 'utf8')) as Saved;
        const b = JSON.parse(readFileSync(join(dir, 'replay.json'), 'utf8')) as Saved;
        expect(comparable(b)).toEqual(comparable(a));
        expect(b.manifest).toEqual(a.manifest);
        // Zero requests: every call of the replay was a cache hit, as many as the live run's calls.
        const roles = Object.keys(a.usageByRole).sort();
        expect(Object.keys(b.usageByRole).sort()).toEqual(roles);
        const spent = b.result.spent as Record<string, { calls: number }>;
        for (const role of roles) {
          expect(b.usageByRole[role]?.calls).toBe(0);
          expect(spent[role]?.calls ?? 0, `${role}: billed by the replay`).toBe(0);
          expect(b.usageByRole[role]?.cacheHits).toBe(
            (a.usageByRole[role]?.calls ?? 0) + (a.usageByRole[role]?.cacheHits ?? 0),
          );
        }
        if (pipeline === 'object-count') expect(roles).toEqual(['backward', 'optimizer', 'task', 'teacher']);
      },
      60_000,
    );
  }

  it.skipIf(!HAS_DATA)(
    needsData('a replay miss is one line naming step, role, model and cache file; nothing is sent'),
    async () => {
      const server = await startSimServer({ port: 0 });
      try {
        const args = (name: string, ...more: string[]) => [
          ...runArgs('object-count', 'object-count', server.url, name, []),
          ...more,
        ];
        expect((await autodiff(args('live'))).code).toBe(0);
        const before = server.stats.requests;
        // Another repeat salts every key afresh: nothing of it is in the cache.
        const miss = await autodiff(args('miss', '--replay', '--repeat', '1'));
        expect(miss.code).toBe(1);
        expect(miss.err.split('\n')).toHaveLength(1);
        expect(miss.err).toMatch(/^autodiff train: replay: no recorded response in cache .*cache\.sqlite/);
        expect(miss.err).toContain(`for step 0, role task, model openai:sim:task@${server.url}`);
        expect(server.stats.requests).toBe(before);
      } finally {
        await server.close();
      }
    },
    60_000,
  );
});
