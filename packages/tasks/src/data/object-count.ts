import { join } from 'node:path';
import { DatasetError } from './errors';
import { IdRegistry, int, type RawRow, str } from './fields';
import { fetchHubSplit } from './hub';
import { readJsonl } from './jsonl';
import { defaultCacheDir, resolveDataDir } from './paths';
import type { LoadOptions, Splits } from './types';

export interface ObjectCountExample {
  id: string;
  /** Position in the original BBH file. */
  index: number;
  question: string;
  /** The expected count. */
  answer: number;
}

/** AdalFlow and TextGrad: no shuffle, train = [0,50), val = [50,150), test = [150,250). */
export const OBJECT_COUNT_SPLIT = { train: 50, val: 100, test: 100 } as const;
export const OBJECT_COUNT_HUB = { repo: 'lukaemon/bbh', folder: 'object_counting', split: 'test' } as const;

function parseAnswer(row: RawRow, field: string, at: { file: string; line: number }): number {
  const raw = str(row, field, at).trim();
  if (!/^\d+$/.test(raw))
    throw new DatasetError(at.file, at.line, field, `expected a non-negative integer count, got "${raw}"`);
  return Number(raw);
}

function split(rows: ObjectCountExample[], file: string, source: string): Splits<ObjectCountExample> {
  const { train, val, test } = OBJECT_COUNT_SPLIT;
  if (rows.length !== train + val + test) {
    throw new DatasetError(
      file,
      undefined,
      undefined,
      `expected ${train + val + test} examples, found ${rows.length}`,
    );
  }
  return {
    train: rows.slice(0, train),
    val: rows.slice(train, train + val),
    test: rows.slice(train + val),
    source,
  };
}

/** Reads the local `all.jsonl` (fields id, index, question, answer) and checks it is in file order. */
export async function readObjectCountFile(file: string): Promise<ObjectCountExample[]> {
  const ids = new IdRegistry(file);
  return (await readJsonl(file)).map(({ line, row }, i) => {
    const at = { file, line };
    const id = str(row, 'id', at);
    ids.add(id, line);
    const index = int(row, 'index', at, 0);
    if (index !== i)
      throw new DatasetError(
        file,
        line,
        'index',
        `expected ${i} (rows must be in the original file order), got ${index}`,
      );
    return { id, index, question: str(row, 'question', at), answer: parseAnswer(row, 'answer', at) };
  });
}

/** Hub rows have BBH's own fields `input` and `target`; ids follow the local files' `object_counting-NNN`. */
export function objectCountFromHubRows(rows: RawRow[], file: string): ObjectCountExample[] {
  return rows.map((row, i) => {
    const at = { file, line: i + 1 };
    return {
      id: `object_counting-${String(i).padStart(3, '0')}`,
      index: i,
      question: str(row, 'input', at),
      answer: parseAnswer(row, 'target', at),
    };
  });
}

export async function loadObjectCount(opts: LoadOptions = {}): Promise<Splits<ObjectCountExample>> {
  const dataDir = resolveDataDir(opts.dataDir);
  if (dataDir !== undefined) {
    const file = join(dataDir, 'bbh_object_counting', 'all.jsonl');
    return split(await readObjectCountFile(file), file, file);
  }
  const { file, rows } = await fetchHubSplit(OBJECT_COUNT_HUB, {
    fetcher: opts.hub,
    hubUrl: opts.hubUrl,
    parquet: opts.parquet,
    cacheDir: opts.cacheDir ?? defaultCacheDir(),
  });
  return split(objectCountFromHubRows(rows, file), file, file);
}
