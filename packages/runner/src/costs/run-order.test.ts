/**
 * Requested cost is the work a method did, whatever earlier runs left in the shared response cache: one
 * experiment run in two orders (one cache each) gives identical requested-cost tables, while what was
 * billed differs (the cache served different runs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResponseCache, Semaphore } from '@llm-autodiff/llm';
import { findDataDir, NO_DATA_MESSAGE } from '@llm-autodiff/sim';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseExperiment } from '../experiment/load';
import { planExperiment, type RunSpec } from '../repro/plan';
import { runOne } from '../repro/run-one';
import type { SavedRun } from '../repro/run-record';
import { mainTable, usageTable } from '../tables/paper-tables';
import { renderCsv } from '../tables/render';
import { summarize } from '../tables/summary';

const HAS_DATA = findDataDir() !== undefined;

const EXPERIMENT = `name: order
pipelines: [object-count]
methods: [start, textgrad, gdpo]
sizes: { train: 4, val: 4, test: 4 }
config: { steps: 2, batchSize: 2, proposalsPerStep: 1 }
methodConfig:
  textgrad: { epochs: 1, stepsPerEpoch: 2 }
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autodiff-run-order-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function runInOrder(order: (runs: RunSpec[]) => RunSpec[], name: string): Promise<SavedRun[]> {
  const plan = planExperiment(parseExperiment(EXPERIMENT, 'order.yaml'), join(dir, name));
  const cache = new ResponseCache({ path: join(dir, `${name}.cache`), mode: 'read-write' });
  const saved: SavedRun[] = [];
  try {
    for (const spec of order(plan.runs)) {
      const { record } = await runOne(spec, {
        cache,
        semaphoreFor: () => new Semaphore(4),
        retriever: () => Promise.reject(new Error('object-count has no retriever')),
        resume: false,
      });
      saved.push({ dir: spec.dir, record, steps: [], graphs: [] });
    }
  } finally {
    cache.close();
  }
  return saved;
}

/** The CSV columns of a cost view (e.g. every `*_requested_*` column), as parsed rows. */
function columnsOf(csv: string, view: string): Array<Record<string, string>> {
  const rows: Array<Record<string, string>> = parse(csv, { columns: true, comment: '#' });
  return rows.map((r) =>
    Object.fromEntries(Object.entries(r).filter(([k]) => k.includes(`_${view}_`) || k === 'method')),
  );
}

it.skipIf(!HAS_DATA)(
  HAS_DATA ? 'gives identical requested-cost tables in two run orders' : `run order (${NO_DATA_MESSAGE})`,
  async () => {
    const forward = await runInOrder((runs) => runs, 'forward');
    const backward = await runInOrder((runs) => [...runs].reverse(), 'backward');
    const ctx = { experiment: 'order', simulated: true };
    const tables = (runs: SavedRun[]) => {
      const cells = summarize({ runs });
      return { usage: renderCsv(usageTable(cells, ctx)), main: renderCsv(mainTable(cells, ctx)) };
    };
    const [a, b] = [tables(forward), tables(backward)];
    expect(columnsOf(a.usage, 'requested')).toEqual(columnsOf(b.usage, 'requested'));
    expect(columnsOf(a.main, 'requested')).toEqual(columnsOf(b.main, 'requested'));
    // The test can fail: the cache served different runs in the two orders, so the bills differ.
    expect(columnsOf(a.usage, 'billed')).not.toEqual(columnsOf(b.usage, 'billed'));
    const startFirst = forward.find((r) => r.record.method === 'start')?.record.usage.task;
    expect(startFirst?.cacheHits).toBe(0);
    const startLast = backward.find((r) => r.record.method === 'start')?.record.usage.task;
    expect(startLast?.cacheHits).toBeGreaterThan(0);
  },
  120_000,
);
