import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterEach, describe, expect, it } from 'vitest';
import { SHARED_DATA_DIR, tempDir } from '../../testing/fixtures';
import { type LocalHub, startLocalHub } from '../../testing/hub-server';
import { loadObjectCount } from './object-count';
import { loadTrec } from './trec';

/**
 * The Hub path end to end: the real `@huggingface/hub` client lists and downloads from a local server
 * with the Hub's API shape, the download lands in the cache, hyparquet decodes parquet files made from
 * the shared datasets, and a second load is answered from the cache without a request.
 */

function readJsonl(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const parquet = (columns: Array<{ name: string; data: unknown[]; type: 'STRING' | 'INT32' }>) =>
  new Uint8Array(parquetWriteBuffer({ columnData: columns }));

let hub: LocalHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

describe.skipIf(!SHARED_DATA_DIR)('Hub loaders against a local Hub server', () => {
  it('ObjectCount: falls back to the parquet conversion, decodes, caches', async () => {
    const rows = readJsonl(join(SHARED_DATA_DIR!, 'bbh_object_counting', 'all.jsonl'));
    const file = parquet([
      { name: 'input', data: rows.map((r) => r.question), type: 'STRING' },
      { name: 'target', data: rows.map((r) => r.answer), type: 'STRING' },
    ]);
    hub = await startLocalHub({
      'lukaemon/bbh': {
        main: { 'README.md': new TextEncoder().encode('# bbh'), 'bbh.py': new Uint8Array() },
        'refs/convert/parquet': { 'object_counting/test/0000.parquet': file },
      },
    });
    const cacheDir = tempDir();
    const s = await loadObjectCount({ dataDir: null, hubUrl: hub.url, cacheDir });
    expect([s.train.length, s.val.length, s.test.length]).toEqual([50, 100, 100]);
    expect(s.source).toBe(
      'hf://datasets/lukaemon/bbh@refs/convert/parquet/object_counting/test/0000.parquet',
    );
    expect(s.test[0]).toEqual({
      id: 'object_counting-150',
      index: 150,
      question: rows[150]!.question,
      answer: Number(rows[150]!.answer),
    });
    expect(hub.requests.some((r) => r.startsWith('GET /api/datasets/lukaemon/bbh/tree/main'))).toBe(true);
    expect(hub.requests.some((r) => r.includes('/resolve/refs%2Fconvert%2Fparquet/object_counting'))).toBe(
      true,
    );

    const seen = hub.requests.length;
    const again = await loadObjectCount({ dataDir: null, hubUrl: hub.url, cacheDir });
    expect(again.test).toEqual(s.test);
    expect(hub.requests.length).toBe(seen); // served from the cache: no request at all
  });

  it('TREC: train and test parquet files at main, integer label columns', async () => {
    const dir = join(SHARED_DATA_DIR!, 'trec');
    const byIndex = (f: string) =>
      readJsonl(join(dir, f)).sort((a, b) => (a.index as number) - (b.index as number));
    const split = (rows: Array<Record<string, unknown>>) =>
      parquet([
        { name: 'text', data: rows.map((r) => r.text), type: 'STRING' },
        { name: 'coarse_label', data: rows.map((r) => r.coarse_label), type: 'INT32' },
        { name: 'fine_label', data: rows.map((r) => r.fine_label), type: 'INT32' },
      ]);
    hub = await startLocalHub({
      'CogComp/trec': {
        main: {
          'data/train-00000-of-00001.parquet': split(byIndex('train.jsonl')),
          'data/test-00000-of-00001.parquet': split(byIndex('test.jsonl')),
        },
      },
    });
    const cacheDir = tempDir();
    const fromHub = await loadTrec({ dataDir: null, hubUrl: hub.url, cacheDir });
    const local = await loadTrec({ dataDir: SHARED_DATA_DIR! });
    expect(fromHub.train).toEqual(local.train);
    expect(fromHub.val).toEqual(local.val);
    expect(fromHub.test).toEqual(local.test);
    const seen = hub.requests.length;
    await loadTrec({ dataDir: null, hubUrl: hub.url, cacheDir });
    expect(hub.requests.length).toBe(seen);
  });

  it('a missing repository is a clear one-line dataset error naming what was tried', async () => {
    hub = await startLocalHub({ 'someone/else': { main: {} } });
    await expect(loadObjectCount({ dataDir: null, hubUrl: hub.url, cacheDir: tempDir() })).rejects.toThrow(
      /lukaemon\/bbh \(Hugging Face Hub\).*cannot load split "test" \(main: .*; refs\/convert\/parquet: /,
    );
  });
});
