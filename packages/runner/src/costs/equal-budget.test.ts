/** Equal-budget levels: the meter counts cache hits, and an experiment runs every method at each level. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BudgetExceededError, type ChatModel, type ChatResponse, Semaphore } from '@llm-autodiff/llm';
import { findDataDir, NO_DATA_MESSAGE } from '@llm-autodiff/sim';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseExperiment } from '../experiment/load';
import { planExperiment } from '../repro/plan';
import { runOne } from '../repro/run-one';
import type { SavedRun } from '../repro/run-record';
import { mainTable } from '../tables/paper-tables';
import { renderMarkdown } from '../tables/render';
import { summarize } from '../tables/summary';
import { budgetLevel, RequestedMeter } from './requested-budget';
import { runCost } from './run-cost';

const HAS_DATA = findDataDir() !== undefined;

/** A model answering 10 + 5 tokens per call, every other call as a cache hit. */
function halfCached(): ChatModel {
  let n = 0;
  return {
    id: 'fake',
    complete: async (): Promise<ChatResponse> => ({
      text: 'ok',
      choices: ['ok'],
      model: 'fake',
      raw: {},
      usage: { promptTokens: 10, completionTokens: 5, cachedTokens: 0, estimated: false },
      latencyMs: 0,
      cacheHit: n++ % 2 === 1,
    }),
  };
}

describe('RequestedMeter', () => {
  it('counts cache hits like any call and refuses the call after the level is reached', async () => {
    const meter = new RequestedMeter(budgetLevel({ tokens: 40 }));
    const model = meter.wrap(halfCached());
    for (let i = 0; i < 3; i++) await model.complete({ messages: [] });
    expect({ calls: meter.calls, tokens: meter.tokens }).toEqual({ calls: 3, tokens: 45 });
    await expect(model.complete({ messages: [] })).rejects.toBeInstanceOf(BudgetExceededError);
    meter.release();
    await expect(model.complete({ messages: [] })).resolves.toMatchObject({ text: 'ok' });
  });

  it('counts calls in flight against a call level', async () => {
    const meter = new RequestedMeter(budgetLevel({ calls: 2 }));
    const model = meter.wrap(halfCached());
    const both = [model.complete({ messages: [] }), model.complete({ messages: [] })];
    await expect(model.complete({ messages: [] })).rejects.toBeInstanceOf(BudgetExceededError);
    await Promise.all(both);
  });
});

const EXPERIMENT = `name: levels
pipelines: [object-count]
methods: [start, textgrad, gdpo]
sizes: { train: 4, val: 4, test: 4 }
config: { steps: 6, batchSize: 2, proposalsPerStep: 1 }
methodConfig:
  textgrad: { epochs: 1, stepsPerEpoch: 6 }
budgets: [{ tokens: 4000 }, { tokens: 400000 }]
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autodiff-levels-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it.skipIf(!HAS_DATA)(
  HAS_DATA ? 'runs every method at two levels; tables show the level' : `levels (${NO_DATA_MESSAGE})`,
  async () => {
    const plan = planExperiment(parseExperiment(EXPERIMENT, 'levels.yaml'), dir);
    expect(plan.runs.map((r) => r.runId)).toEqual([
      'object-count__start__r0',
      'object-count__textgrad@tokens-4000__r0',
      'object-count__textgrad@tokens-400000__r0',
      'object-count__gdpo@tokens-4000__r0',
      'object-count__gdpo@tokens-400000__r0',
    ]);
    const runs: SavedRun[] = [];
    for (const spec of plan.runs) {
      const { record } = await runOne(spec, {
        cache: undefined,
        semaphoreFor: () => new Semaphore(4),
        retriever: () => Promise.reject(new Error('object-count has no retriever')),
        resume: false,
      });
      runs.push({ dir: spec.dir, record, steps: [], graphs: [] });
    }
    for (const { record } of runs.filter((r) => r.record.method !== 'start')) {
      const level = record.budgetLevel;
      expect(level).toBeDefined();
      // Every method has a test score of its best validated values, stopped or not.
      expect(record.status).toBe('done');
      expect(record.final.test).toBeTypeOf('number');
      if (level?.amount === 4000) {
        expect(level.usedUp).toBe(true);
        expect(runCost(record).tokens).toBeGreaterThanOrEqual(4000);
      } else expect(level?.usedUp).toBe(false);
    }
    const md = renderMarkdown(mainTable(summarize({ runs }), { experiment: 'levels', simulated: true }));
    const rows = md.split('\n').filter((l) => /^\| (textgrad|gdpo) /.test(l));
    expect(
      rows.map((l) =>
        l
          .split('|')
          .slice(1, 3)
          .map((c) => c.trim()),
      ),
    ).toEqual([
      ['textgrad', '4k tokens'],
      ['textgrad', '400k tokens'],
      ['gdpo', '4k tokens'],
      ['gdpo', '400k tokens'],
    ]);
    // The large level was not used up: its cells carry the mark.
    expect(rows[1]).toContain('†');
    expect(rows[0]).not.toContain('†');
  },
  180_000,
);
