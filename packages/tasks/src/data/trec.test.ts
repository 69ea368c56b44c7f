import { describe, expect, it } from 'vitest';
import {
  fakeHub,
  jsonl,
  NO_DATA_MESSAGE,
  SHARED_DATA_DIR,
  tempDir,
  writeFixture,
} from '../../testing/fixtures';
import { loadTrec, TREC_CLASSES } from './trec';
import { TREC_TEST_INDICES, TREC_TRAIN120_INDICES, TREC_VAL_INDICES } from './trec-manifest';

function row(prefix: string, index: number, label = index % 6) {
  return {
    id: `${prefix}-${String(index).padStart(4, '0')}`,
    index,
    text: `Question number ${index} ?`,
    coarse_label: label,
    coarse_label_name: TREC_CLASSES[label] as string,
    fine_label: 0,
    fine_label_name: 'x',
  };
}

function localDir(mutate?: (val: ReturnType<typeof row>[]) => void): string {
  const dir = tempDir();
  const val = TREC_VAL_INDICES.map((i) => row('test', i));
  mutate?.(val);
  writeFixture(dir, 'trec/adalflow_val.jsonl', jsonl(val));
  writeFixture(dir, 'trec/adalflow_test.jsonl', jsonl(TREC_TEST_INDICES.map((i) => row('test', i))));
  writeFixture(
    dir,
    'trec/adalflow_train_balanced120_seed0.jsonl',
    jsonl(TREC_TRAIN120_INDICES.map((i) => row('train', i))),
  );
  return dir;
}

describe('loadTrec (local files)', () => {
  it('reads the AdalFlow val/test files and the balanced 120 train stand-in', async () => {
    const s = await loadTrec({ dataDir: localDir() });
    expect([s.train.length, s.val.length, s.test.length]).toEqual([120, 166, 334]);
    const first = TREC_VAL_INDICES[0]!;
    expect(s.val[0]).toEqual({
      id: `test-${String(first).padStart(4, '0')}`,
      index: first,
      question: `Question number ${first} ?`,
      label: first % 6,
      labelName: TREC_CLASSES[first % 6],
    });
  });

  it('rejects a label out of range and a name that disagrees with the id', async () => {
    await expect(loadTrec({ dataDir: localDir((v) => (v[4]!.coarse_label = 6)) })).rejects.toThrow(
      /adalflow_val\.jsonl, line 5, field "coarse_label": expected an integer in \[0, 5\], got 6/,
    );
    await expect(loadTrec({ dataDir: localDir((v) => (v[0]!.coarse_label_name = 'XYZ')) })).rejects.toThrow(
      /line 1, field "coarse_label_name": "XYZ" does not match coarse_label/,
    );
    await expect(loadTrec({ dataDir: localDir((v) => v.pop()) })).rejects.toThrow(
      /expected 166 examples, found 165/,
    );
    await expect(loadTrec({ dataDir: localDir((v) => (v[2]!.index = 7)) })).rejects.toThrow(
      /line 3, field "index": 7 does not match id/,
    );
    await expect(loadTrec({ dataDir: localDir((v) => (v[1]!.id = 'q-1')) })).rejects.toThrow(
      /line 2, field "id": expected "train-NNNN"/,
    );
  });
});

describe('loadTrec (Hub)', () => {
  // CSV exercises the csv-parse path: quoted commas in the question text.
  function csv(n: number, offset: number): string {
    const lines = ['text,coarse_label,fine_label'];
    for (let i = 0; i < n; i++) lines.push(`"Who, at ${i + offset}, wrote ""it"" ?",${(i + offset) % 6},3`);
    lines[1] = '1984,1,3'; // a numeric-looking question stays text
    return `${lines.join('\n')}\n`;
  }

  it('maps Hub rows through the split manifest', async () => {
    const { fetcher } = fakeHub({
      'CogComp/trec': {
        main: { 'trec.py': '' },
        'refs/convert/parquet': {
          'default/train/0000.csv': csv(5452, 0),
          'default/test/0000.csv': csv(500, 7),
        },
      },
    });
    const s = await loadTrec({ dataDir: null, hub: fetcher, cacheDir: tempDir() });
    expect([s.train.length, s.val.length, s.test.length]).toEqual([120, 166, 334]);
    const v = TREC_VAL_INDICES[2]!;
    expect(s.val[2]).toEqual({
      id: `test-${String(v).padStart(4, '0')}`,
      index: v,
      question: `Who, at ${v + 7}, wrote "it" ?`,
      label: (v + 7) % 6,
      labelName: TREC_CLASSES[(v + 7) % 6],
    });
    expect(s.train[0]!.index).toBe(TREC_TRAIN120_INDICES[0]);
    const row0 = s.val.find((e) => e.index === 0);
    expect(row0?.question).toBe('1984');
  });

  it('fails with the Hub file name when a needed row is missing', async () => {
    const { fetcher } = fakeHub({
      'CogComp/trec': {
        main: { 'data/train-00000-of-00001.csv': csv(100, 0), 'data/test-00000-of-00001.csv': csv(500, 0) },
      },
    });
    await expect(loadTrec({ dataDir: null, hub: fetcher, cacheDir: tempDir() })).rejects.toThrow(
      /hf:\/\/datasets\/CogComp\/trec@main\/data\/train-00000-of-00001\.csv.*the split needs row \d+ but the file has 100 rows/,
    );
  });
});

describe.skipIf(SHARED_DATA_DIR === undefined)(`TREC real data (${NO_DATA_MESSAGE})`, () => {
  it('loads 120/166/334 and the manifest agrees with the files', async () => {
    const s = await loadTrec({ dataDir: SHARED_DATA_DIR });
    expect(s.val.map((e) => e.index)).toEqual(TREC_VAL_INDICES);
    expect(s.test.map((e) => e.index)).toEqual(TREC_TEST_INDICES);
    expect(s.train.map((e) => e.index)).toEqual(TREC_TRAIN120_INDICES);
    const perClass = new Map<string, number>();
    for (const e of s.train) perClass.set(e.labelName, (perClass.get(e.labelName) ?? 0) + 1);
    expect([...perClass.values()]).toEqual([20, 20, 20, 20, 20, 20]);
    expect(s.val[0]).toMatchObject({
      id: 'test-0473',
      question: 'What is the population of Venezuela ?',
      labelName: 'NUM',
    });
  });
});
