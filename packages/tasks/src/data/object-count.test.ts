import { describe, expect, it } from 'vitest';
import {
  fakeHub,
  jsonl,
  NO_DATA_MESSAGE,
  SHARED_DATA_DIR,
  tempDir,
  writeFixture,
} from '../../testing/fixtures';
import { DatasetError } from './errors';
import { readJsonl } from './jsonl';
import { loadObjectCount } from './object-count';

function rows(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    id: `object_counting-${String(i).padStart(3, '0')}`,
    index: i,
    question: `I have ${i} apples. How many fruits do I have?`,
    answer: String(i % 17),
  }));
}

function localDir(content: string): string {
  const dir = tempDir();
  writeFixture(dir, 'bbh_object_counting/all.jsonl', content);
  return dir;
}

describe('loadObjectCount (local files)', () => {
  it('splits 50/100/100 in file order', async () => {
    const s = await loadObjectCount({ dataDir: localDir(jsonl(rows(250))) });
    expect([s.train.length, s.val.length, s.test.length]).toEqual([50, 100, 100]);
    expect(s.train[0]).toEqual({
      id: 'object_counting-000',
      index: 0,
      question: expect.any(String),
      answer: 0,
    });
    expect(s.val[0]!.index).toBe(50);
    expect(s.test[0]!.index).toBe(150);
    expect(s.test.at(-1)!.index).toBe(249);
    expect(s.test[3]!.answer).toBe(153 % 17);
  });

  it('names the file, line and field of a bad answer', async () => {
    const r = rows(250);
    r[6]!.answer = 'ten';
    const dir = localDir(jsonl(r));
    const err = await loadObjectCount({ dataDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect(err).toMatchObject({ line: 7, field: 'answer' });
    expect((err as Error).message).toMatch(
      /all\.jsonl, line 7, field "answer": expected a non-negative integer count, got "ten"/,
    );
  });

  it('rejects rows out of file order, duplicate ids, bad JSON and a wrong count', async () => {
    const swapped = rows(250);
    [swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
    await expect(loadObjectCount({ dataDir: localDir(jsonl(swapped)) })).rejects.toThrow(
      /line 4, field "index": expected 3/,
    );
    const dup = rows(250);
    dup[9]!.id = dup[2]!.id;
    await expect(loadObjectCount({ dataDir: localDir(jsonl(dup)) })).rejects.toThrow(
      /line 10, field "id": duplicate id "object_counting-002" \(first seen on line 3\)/,
    );
    await expect(loadObjectCount({ dataDir: localDir(`${jsonl(rows(3))}{oops\n`) })).rejects.toThrow(
      /line 4: invalid JSON/,
    );
    await expect(loadObjectCount({ dataDir: localDir(jsonl(rows(249))) })).rejects.toThrow(
      /expected 250 examples, found 249/,
    );
  });

  it('fails clearly when the folder does not exist', async () => {
    await expect(loadObjectCount({ dataDir: '/nonexistent/datasets' })).rejects.toThrow(/does not exist/);
  });
});

describe('loadObjectCount (Hub)', () => {
  const hubRows = rows(250).map((r) => ({ input: r.question, target: r.answer }));

  it('finds the split file, decodes it and caches the download', async () => {
    const { fetcher, calls } = fakeHub({
      'lukaemon/bbh': {
        main: {
          'README.md': '# bbh',
          'boolean_expressions/test-00000-of-00001.jsonl': '{}',
          'object_counting/test-00000-of-00001.jsonl': jsonl(hubRows),
        },
      },
    });
    const cacheDir = tempDir();
    const s = await loadObjectCount({ dataDir: null, hub: fetcher, cacheDir });
    expect([s.train.length, s.val.length, s.test.length]).toEqual([50, 100, 100]);
    expect(s.val[0]).toMatchObject({ id: 'object_counting-050', index: 50, answer: 50 % 17 });
    expect(s.source).toBe('hf://datasets/lukaemon/bbh@main/object_counting/test-00000-of-00001.jsonl');
    expect(calls.filter((c) => c.startsWith('download'))).toHaveLength(1);
    await loadObjectCount({ dataDir: null, hub: fetcher, cacheDir });
    expect(calls.filter((c) => c.startsWith('download'))).toHaveLength(1);
  });

  it('falls back to the parquet conversion and uses the injected decoder', async () => {
    const { fetcher } = fakeHub({
      'lukaemon/bbh': {
        main: { 'bbh.py': '' },
        'refs/convert/parquet': { 'object_counting/test/0000.parquet': new Uint8Array([1, 2, 3]) },
      },
    });
    let decoded: Uint8Array | undefined;
    const s = await loadObjectCount({
      dataDir: null,
      hub: fetcher,
      cacheDir: tempDir(),
      parquet: async (bytes) => {
        decoded = bytes;
        return hubRows;
      },
    });
    expect([...decoded!]).toEqual([1, 2, 3]);
    expect(s.source).toContain('@refs/convert/parquet/object_counting/test/0000.parquet');
  });

  it('names the Hub file and row of a bad target', async () => {
    const bad = hubRows.map((r, i) => (i === 11 ? { ...r, target: '' } : r));
    const { fetcher } = fakeHub({ 'lukaemon/bbh': { main: { 'object_counting/test.jsonl': jsonl(bad) } } });
    await expect(loadObjectCount({ dataDir: null, hub: fetcher, cacheDir: tempDir() })).rejects.toThrow(
      /hf:\/\/datasets\/lukaemon\/bbh@main\/object_counting\/test\.jsonl, line 12, field "target"/,
    );
  });

  it('explains what was tried when no file matches', async () => {
    const { fetcher } = fakeHub({ 'lukaemon/bbh': { main: { 'README.md': '' } } });
    await expect(loadObjectCount({ dataDir: null, hub: fetcher, cacheDir: tempDir() })).rejects.toThrow(
      /main: no test file under object_counting\/; refs\/convert\/parquet: revision refs\/convert\/parquet not found/,
    );
  });
});

describe.skipIf(SHARED_DATA_DIR === undefined)(`ObjectCount real data (${NO_DATA_MESSAGE})`, () => {
  it('matches the shared split files', async () => {
    const s = await loadObjectCount({ dataDir: SHARED_DATA_DIR });
    expect([s.train.length, s.val.length, s.test.length]).toEqual([50, 100, 100]);
    expect(s.train[0]!.answer).toBe(8);
    // The folder also ships the split as separate files: the file-order slicing must reproduce them.
    for (const name of ['train', 'val', 'test'] as const) {
      const rows = await readJsonl(`${SHARED_DATA_DIR}/bbh_object_counting/${name}.jsonl`);
      expect(s[name].map((e) => e.id)).toEqual(rows.map((r) => r.row.id));
    }
  });
});
