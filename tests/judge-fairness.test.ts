/**
 * The fairness rule of the simulated world (packages/sim/CONTRACT.md, "What a judging role may infer"):
 * the backward engine, the optimizer and describing requests answer from their request text alone. The
 * real judging requests of short GDPO runs — every pipeline, every ablation — and of short baseline runs
 * (TextGrad backward and TGD, MIPRO describers and proposer, GEPA reflection) are answered twice, once
 * with the datasets and once with AUTODIFF_DATA_DIR pointing at an empty folder; the responses must be
 * byte-identical.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDataDir, NO_DATA_MESSAGE, simComplete } from '@llm-autodiff/sim';
import { PIPELINE_NAMES } from '@llm-autodiff/tasks';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ABLATION_CASES,
  BASELINE_CASES,
  type RecordedRequest,
  recordBaselineRequests,
  recordJudgeRequests,
} from './support/judge-requests';

const DATA_DIR = findDataDir();
const empty = mkdtempSync(join(tmpdir(), 'sim-no-data-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

/** Baseline runs: one-call, classification and multi-call (chained) pipelines. */
const BASELINE_PIPELINES = ['object-count', 'trec', 'hotpot-multihop'] as const;

/** The roles each baseline's requests must cover (so a recording that misses a request kind fails). */
const BASELINE_ROLES: Record<string, string[]> = {
  textgrad: ['backward', 'optimizer'],
  mipro: ['describe', 'optimizer'],
  gepa: ['optimizer'],
};

function expectIdentical(requests: readonly RecordedRequest[], label: string): void {
  const withData = answerAll(requests, DATA_DIR as string);
  const without = answerAll(requests, empty);
  const differing = withData.findIndex((t, i) => t !== without[i]);
  expect(differing, `${label}: request ${differing} answered differently`).toBe(-1);
}

/** Answer every request, with `AUTODIFF_DATA_DIR` set to `dataDir` while answering. */
function answerAll(requests: readonly RecordedRequest[], dataDir: string): string[] {
  const saved = process.env.AUTODIFF_DATA_DIR;
  process.env.AUTODIFF_DATA_DIR = dataDir;
  try {
    return requests.map((r) =>
      simComplete('sim:large', { messages: r.messages, options: r.options }).choices.join('\u0000'),
    );
  } finally {
    if (saved === undefined) delete process.env.AUTODIFF_DATA_DIR;
    else process.env.AUTODIFF_DATA_DIR = saved;
  }
}

describe.skipIf(DATA_DIR === undefined)(
  `judging roles answer from their request alone${DATA_DIR ? '' : ` (${NO_DATA_MESSAGE})`}`,
  () => {
    it.each(PIPELINE_NAMES)(
      '%s: every ablation, identical responses without the datasets',
      async (pipeline) => {
        const roles = new Set<string>();
        for (const ablation of Object.keys(ABLATION_CASES)) {
          const requests = await recordJudgeRequests(pipeline, ablation, { steps: 1, val: 3, test: 1 });
          for (const r of requests) roles.add(r.role);
          expect(requests.length, `${pipeline} ${ablation}: no judging request recorded`).toBeGreaterThan(0);
          expectIdentical(requests, `${pipeline} ${ablation}`);
        }
        expect([...roles].sort()).toEqual(['backward', 'optimizer']);
      },
    );

    it.each(Object.keys(BASELINE_CASES))(
      'baseline %s: its judging requests get identical responses without the datasets',
      async (method) => {
        const roles = new Set<string>();
        for (const pipeline of BASELINE_PIPELINES) {
          const requests = await recordBaselineRequests(pipeline, method, { val: 6, test: 1 });
          for (const r of requests) roles.add(r.role);
          expect(requests.length, `${method} on ${pipeline}: no judging request recorded`).toBeGreaterThan(0);
          expectIdentical(requests, `${method} on ${pipeline}`);
        }
        expect([...roles].sort()).toEqual(BASELINE_ROLES[method]);
      },
    );
  },
);
