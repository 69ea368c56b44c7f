import { describe, expect, it } from 'vitest';
import { jsonl, NO_DATA_MESSAGE, SHARED_DATA_DIR, tempDir, writeFixture } from '../../testing/fixtures';
import { loadHotpot } from './hotpot';

function q(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    question: `Question ${id}?`,
    answer: `answer ${id}`,
    type: 'bridge',
    level: 'hard',
    gold_titles: ['A', 'B'],
    ...extra,
  };
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

function fixture(
  opts: { splits?: Record<string, unknown>; trainRows?: unknown[]; devRows?: unknown[] } = {},
): string {
  const dir = tempDir();
  const train = ids('t', 120);
  const dev = ids('d', 320);
  writeFixture(
    dir,
    'hotpot_qa/train_distractor_200.jsonl',
    jsonl(opts.trainRows ?? train.map((id, i) => q(id, { level: i < 115 ? 'hard' : 'easy' }))),
  );
  writeFixture(
    dir,
    'hotpot_qa/dev_distractor_500.jsonl',
    jsonl(opts.devRows ?? dev.map((id, i) => q(id, { dev_index: i, type: 'comparison' }))),
  );
  const splits = opts.splits ?? {
    train: train.slice(0, 115),
    val: dev.slice(0, 100),
    test: dev.slice(100, 300),
  };
  writeFixture(dir, 'hotpot_qa/offline_splits.json', JSON.stringify(splits));
  const adal = (n: number, off: number) =>
    Array.from({ length: n }, (_, i) => q('', { id: i % 10 === 0 ? `x${i}` : null, dev_index: off + i }));
  writeFixture(dir, 'hotpot_qa/adalflow_val_100.jsonl', jsonl(adal(100, 1000)));
  writeFixture(dir, 'hotpot_qa/adalflow_test_200.jsonl', jsonl(adal(200, 2000)));
  return dir;
}

describe('loadHotpot', () => {
  it('follows offline_splits.json: 115 hard train, 100 val, 200 test, in the listed order', async () => {
    const s = await loadHotpot({ dataDir: fixture() });
    expect([s.train.length, s.val.length, s.test.length]).toEqual([115, 100, 200]);
    expect(s.val[0]).toEqual({
      id: 'd0',
      question: 'Question d0?',
      answer: 'answer d0',
      type: 'comparison',
      level: 'hard',
      goldTitles: ['A', 'B'],
      devIndex: 0,
    });
    expect(s.test[0]!.id).toBe('d100');
  });

  it('the adalflow split keeps the train set and uses dev_index ids where the id is unknown', async () => {
    const s = await loadHotpot({ dataDir: fixture(), split: 'adalflow' });
    expect(s.train[0]!.id).toBe('t0');
    expect(s.val.slice(0, 2).map((e) => e.id)).toEqual(['x0', 'dev-1001']);
    expect(s.test[1]).toMatchObject({ id: 'dev-2001', devIndex: 2001 });
  });

  it('names the split entry whose id is in no file', async () => {
    const splits = { train: ids('t', 115), val: [...ids('d', 3), 'missing', ...ids('e', 96)], test: [] };
    await expect(loadHotpot({ dataDir: fixture({ splits }) })).rejects.toThrow(
      /offline_splits\.json, field "val\[3\]": question id "missing" is in no HotpotQA data file/,
    );
  });

  it('rejects a non-hard train question and a bad row', async () => {
    const splits = { train: ids('t', 116).slice(1), val: [], test: [] };
    await expect(loadHotpot({ dataDir: fixture({ splits }) })).rejects.toThrow(
      /field "train\[114\]": question t115 is level "easy", not hard/,
    );
    const devRows = [q('d0', { type: 'other' })];
    await expect(loadHotpot({ dataDir: fixture({ devRows }) })).rejects.toThrow(
      /dev_distractor_500\.jsonl, line 1, field "type": expected one of bridge, comparison, got the string "other"/,
    );
    const trainRows = [q('t0', { answer: '' })];
    await expect(loadHotpot({ dataDir: fixture({ trainRows }) })).rejects.toThrow(
      /line 1, field "answer": expected a non-empty string/,
    );
  });

  it('says HotPotQA is offline-only when there is no local folder', async () => {
    await expect(loadHotpot({ dataDir: null })).rejects.toThrow(/HotPotQA is only available offline/);
  });
});

describe.skipIf(SHARED_DATA_DIR === undefined)(`HotPotQA real data (${NO_DATA_MESSAGE})`, () => {
  it('loads both split variants', async () => {
    const s = await loadHotpot({ dataDir: SHARED_DATA_DIR });
    expect([s.train.length, s.val.length, s.test.length]).toEqual([115, 100, 200]);
    expect(s.train.every((e) => e.level === 'hard' && e.goldTitles?.length === 2)).toBe(true);
    expect(new Set([...s.val, ...s.test].map((e) => e.id)).size).toBe(300);
    const a = await loadHotpot({ dataDir: SHARED_DATA_DIR, split: 'adalflow' });
    expect([a.val.length, a.test.length]).toEqual([100, 200]);
    expect(a.val[0]).toMatchObject({
      question: 'What profession does Matt Thiessen and George Thorogood have in common?',
      answer: 'musician',
    });
  });
});
