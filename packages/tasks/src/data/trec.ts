import { join } from 'node:path';
import { DatasetError } from './errors';
import { IdRegistry, int, type RawRow, str } from './fields';
import { fetchHubSplit } from './hub';
import { readJsonl } from './jsonl';
import { defaultCacheDir, resolveDataDir } from './paths';
import { TREC_TEST_INDICES, TREC_TRAIN120_INDICES, TREC_VAL_INDICES } from './trec-manifest';
import type { LoadOptions, Splits } from './types';

/** Coarse classes in the label order of HF `CogComp/trec` (label id = position). */
export const TREC_CLASSES = ['ABBR', 'ENTY', 'DESC', 'HUM', 'LOC', 'NUM'] as const;
export type TrecClass = (typeof TREC_CLASSES)[number];

export interface TrecExample {
  id: string;
  /** Row position in the official file (train_5500 or TREC_10). */
  index: number;
  question: string;
  label: number;
  labelName: TrecClass;
}

export const TREC_HUB = { repo: 'CogComp/trec', numericColumns: ['coarse_label', 'fine_label'] } as const;
export const TREC_FILES = {
  train: 'adalflow_train_balanced120_seed0.jsonl',
  val: 'adalflow_val.jsonl',
  test: 'adalflow_test.jsonl',
} as const;

/** Reads one of the local TREC jsonl files and checks label ids against names. */
export async function readTrecFile(file: string): Promise<TrecExample[]> {
  const ids = new IdRegistry(file);
  return (await readJsonl(file)).map(({ line, row }) => {
    const at = { file, line };
    const id = str(row, 'id', at);
    ids.add(id, line);
    const label = int(row, 'coarse_label', at, 0, TREC_CLASSES.length - 1);
    const labelName = str(row, 'coarse_label_name', at);
    if (labelName !== TREC_CLASSES[label]) {
      throw new DatasetError(
        file,
        line,
        'coarse_label_name',
        `"${labelName}" does not match coarse_label ${label} (${TREC_CLASSES[label]})`,
      );
    }
    // Ids are `<file>-<row>` of the official files (train 5452 rows, test 500): check they agree.
    const index = int(row, 'index', at, 0);
    const m = id.match(/^(train|test)-(\d+)$/);
    if (!m) throw new DatasetError(file, line, 'id', `expected "train-NNNN" or "test-NNNN", got "${id}"`);
    const size = m[1] === 'train' ? 5452 : 500;
    if (Number(m[2]) !== index || index >= size) {
      throw new DatasetError(
        file,
        line,
        'index',
        `${index} does not match id "${id}" (rows 0..${size - 1} of the ${m[1]} file)`,
      );
    }
    return {
      id,
      index,
      question: str(row, 'text', at),
      label,
      labelName: TREC_CLASSES[label]!,
    };
  });
}

function expectCount(file: string, rows: unknown[], n: number): void {
  if (rows.length !== n)
    throw new DatasetError(file, undefined, undefined, `expected ${n} examples, found ${rows.length}`);
}

/** Hub rows (`text`, `coarse_label`) picked by the manifest; ids follow the local files. */
export function trecFromHubRows(
  rows: RawRow[],
  file: string,
  prefix: 'train' | 'test',
  indices: readonly number[],
): TrecExample[] {
  return indices.map((index) => {
    const row = rows[index];
    if (row === undefined)
      throw new DatasetError(
        file,
        index + 1,
        undefined,
        `the split needs row ${index} but the file has ${rows.length} rows`,
      );
    const at = { file, line: index + 1 };
    const label = int(row, 'coarse_label', at, 0, TREC_CLASSES.length - 1);
    return {
      id: `${prefix}-${String(index).padStart(4, '0')}`,
      index,
      question: str(row, 'text', at).trim(),
      label,
      labelName: TREC_CLASSES[label]!,
    };
  });
}

export async function loadTrec(opts: LoadOptions = {}): Promise<Splits<TrecExample>> {
  const dataDir = resolveDataDir(opts.dataDir);
  if (dataDir !== undefined) {
    const dir = join(dataDir, 'trec');
    const [train, val, test] = await Promise.all(
      (['train', 'val', 'test'] as const).map(async (s) => {
        const file = join(dir, TREC_FILES[s]);
        const rows = await readTrecFile(file);
        expectCount(
          file,
          rows,
          { train: TREC_TRAIN120_INDICES, val: TREC_VAL_INDICES, test: TREC_TEST_INDICES }[s].length,
        );
        return rows;
      }),
    );
    return { train: train!, val: val!, test: test!, source: dir };
  }
  const hubOpts = {
    fetcher: opts.hub,
    hubUrl: opts.hubUrl,
    parquet: opts.parquet,
    cacheDir: opts.cacheDir ?? defaultCacheDir(),
  };
  const trainFile = await fetchHubSplit({ ...TREC_HUB, split: 'train' }, hubOpts);
  const testFile = await fetchHubSplit({ ...TREC_HUB, split: 'test' }, hubOpts);
  return {
    train: trecFromHubRows(trainFile.rows, trainFile.file, 'train', TREC_TRAIN120_INDICES),
    val: trecFromHubRows(testFile.rows, testFile.file, 'test', TREC_VAL_INDICES),
    test: trecFromHubRows(testFile.rows, testFile.file, 'test', TREC_TEST_INDICES),
    source: `${trainFile.file}, ${testFile.file}`,
  };
}
