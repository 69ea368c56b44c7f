import { join } from 'node:path';
import { DatasetError } from './errors';
import { IdRegistry, oneOf, optInt, optStr, optStrArray, type RawRow, str } from './fields';
import { readJson, readJsonl } from './jsonl';
import { resolveDataDir } from './paths';
import type { LoadOptions, Splits } from './types';

export interface HotpotExample {
  /** HotpotQA `_id`; `dev-<index>` for AdalFlow list rows whose id is unknown offline. */
  id: string;
  question: string;
  answer: string;
  type: 'bridge' | 'comparison';
  level: string;
  /** The two gold paragraph titles, when known. */
  goldTitles?: string[];
  /** Position in the official dev set, for dev questions. */
  devIndex?: number;
}

export type HotpotSplitName = 'offline' | 'adalflow';

export const HOTPOT_FILES = {
  splits: 'offline_splits.json',
  dev: 'dev_distractor_500.jsonl',
  train: 'train_distractor_200.jsonl',
  adalflowVal: 'adalflow_val_100.jsonl',
  adalflowTest: 'adalflow_test_200.jsonl',
} as const;

export const HOTPOT_SPLIT_SIZES = { train: 115, val: 100, test: 200 } as const;

function toExample(row: RawRow, at: { file: string; line: number }, idOptional: boolean): HotpotExample {
  const devIndex = optInt(row, 'dev_index', at, 0, 7404);
  let id = idOptional ? optStr(row, 'id', at) : str(row, 'id', at);
  if (id === undefined) {
    if (devIndex === undefined)
      throw new DatasetError(at.file, at.line, 'id', 'neither id nor dev_index is set');
    id = `dev-${devIndex}`;
  }
  const goldTitles = optStrArray(row, 'gold_titles', at);
  return {
    id,
    question: str(row, 'question', at),
    // Answers are short spans; an empty answer would make every prediction score 0 silently.
    answer: str(row, 'answer', at),
    type: oneOf(row, 'type', at, ['bridge', 'comparison'] as const),
    level: oneOf(row, 'level', at, ['easy', 'medium', 'hard'] as const),
    ...(goldTitles === undefined ? {} : { goldTitles }),
    ...(devIndex === undefined ? {} : { devIndex }),
  };
}

/** Reads a normalized HotpotQA jsonl file (fields documented in the datasets README). */
export async function readHotpotFile(
  file: string,
  opts: { idOptional?: boolean } = {},
): Promise<HotpotExample[]> {
  const ids = new IdRegistry(file);
  return (await readJsonl(file)).map(({ line, row }) => {
    const ex = toExample(row, { file, line }, opts.idOptional ?? false);
    ids.add(ex.id, line);
    return ex;
  });
}

function idList(value: unknown, file: string, field: string): string[] {
  if (!Array.isArray(value))
    throw new DatasetError(file, undefined, field, 'expected an array of question ids');
  value.forEach((v, i) => {
    if (typeof v !== 'string' || v === '')
      throw new DatasetError(file, undefined, `${field}[${i}]`, 'expected a question id string');
  });
  return value as string[];
}

function pick(ids: string[], pool: Map<string, HotpotExample>, file: string, field: string): HotpotExample[] {
  return ids.map((id, i) => {
    const ex = pool.get(id);
    if (ex === undefined)
      throw new DatasetError(
        file,
        undefined,
        `${field}[${i}]`,
        `question id "${id}" is in no HotpotQA data file`,
      );
    return ex;
  });
}

function expectCount(file: string, field: string, rows: unknown[], n: number): void {
  if (rows.length !== n)
    throw new DatasetError(file, undefined, field, `expected ${n} questions, found ${rows.length}`);
}

/**
 * HotPotQA exists offline only: the split files were assembled from public copies (see the datasets
 * README) and the Hub has no equivalent small files, so there is no Hub fallback here.
 *
 * - `offline` (default): `offline_splits.json`: train = the 115 hard train questions, val 100 and
 *   test 200 from `dev_distractor_500` (every gold paragraph is in the BM25 corpus).
 * - `adalflow`: the same train, with AdalFlow's exact val 100 / test 200 dev questions. Most have no
 *   gold paragraph in the offline corpus: use them closed-book or to compare with the paper's lists.
 */
export async function loadHotpot(
  opts: LoadOptions & { split?: HotpotSplitName } = {},
): Promise<Splits<HotpotExample>> {
  const dataDir = resolveDataDir(opts.dataDir);
  if (dataDir === undefined) {
    throw new DatasetError(
      'hotpot_qa',
      undefined,
      undefined,
      'HotPotQA is only available offline: set AUTODIFF_DATA_DIR (or dataDir) to a folder with hotpot_qa/ ' +
        '(offline_splits.json, dev_distractor_500.jsonl, train_distractor_200.jsonl), or place the repo beside shared/datasets. ' +
        'The Hugging Face Hub copy (hotpotqa/hotpot_qa) is the full 600 MB set and does not hold these splits.',
    );
  }
  const dir = join(dataDir, 'hotpot_qa');
  const splitsFile = join(dir, HOTPOT_FILES.splits);
  const manifest = (await readJson(splitsFile)) as Record<string, unknown>;
  const trainRows = await readHotpotFile(join(dir, HOTPOT_FILES.train));
  const pool = new Map(trainRows.map((e) => [e.id, e]));
  const train = pick(idList(manifest.train, splitsFile, 'train'), pool, splitsFile, 'train');
  expectCount(splitsFile, 'train', train, HOTPOT_SPLIT_SIZES.train);
  for (const [i, ex] of train.entries()) {
    if (ex.level !== 'hard')
      throw new DatasetError(
        splitsFile,
        undefined,
        `train[${i}]`,
        `question ${ex.id} is level "${ex.level}", not hard`,
      );
  }
  if ((opts.split ?? 'offline') === 'adalflow') {
    const valFile = join(dir, HOTPOT_FILES.adalflowVal);
    const testFile = join(dir, HOTPOT_FILES.adalflowTest);
    const val = await readHotpotFile(valFile, { idOptional: true });
    const test = await readHotpotFile(testFile, { idOptional: true });
    expectCount(valFile, 'rows', val, HOTPOT_SPLIT_SIZES.val);
    expectCount(testFile, 'rows', test, HOTPOT_SPLIT_SIZES.test);
    return { train, val, test, source: `${splitsFile} (train), ${valFile}, ${testFile}` };
  }
  for (const ex of await readHotpotFile(join(dir, HOTPOT_FILES.dev))) pool.set(ex.id, ex);
  const val = pick(idList(manifest.val, splitsFile, 'val'), pool, splitsFile, 'val');
  const test = pick(idList(manifest.test, splitsFile, 'test'), pool, splitsFile, 'test');
  expectCount(splitsFile, 'val', val, HOTPOT_SPLIT_SIZES.val);
  expectCount(splitsFile, 'test', test, HOTPOT_SPLIT_SIZES.test);
  return { train, val, test, source: splitsFile };
}
