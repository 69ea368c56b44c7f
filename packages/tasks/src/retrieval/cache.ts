import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@llm-autodiff/llm';
import { defaultCacheDir, resolveDataDir } from '../data/paths';
import { type Bm25Data, Bm25Index, type Bm25Params, buildBm25Data, DEFAULT_BM25 } from './bm25';
import { type Corpus, HOTPOT_CORPUS_FILE, loadCorpus } from './corpus';

export interface Bm25LoadOptions {
  dataDir?: string | null;
  /** Where the index is cached (`<cacheDir>/bm25/`); default the repo's `datasets/`. */
  cacheDir?: string;
  /** A corpus file other than `hotpot_qa/corpus.jsonl` (tests use small fixtures). */
  corpusFile?: string;
  params?: Bm25Params;
}

export interface Bm25Loaded {
  index: Bm25Index;
  corpus: Corpus;
  /** Whether the index came from the disk cache or was built now. */
  fromCache: boolean;
  cacheFile: string;
}

/** One index per corpus file and parameters per process: every pipeline shares it. */
const memo = new Map<string, Promise<Bm25Loaded>>();

function isBm25Data(v: unknown, docs: number, params: Bm25Params): v is Bm25Data {
  if (v === null || typeof v !== 'object') return false;
  const d = v as Partial<Bm25Data>;
  return (
    d.version === 1 &&
    Array.isArray(d.docLengths) &&
    d.docLengths.length === docs &&
    d.params?.k1 === params.k1 &&
    d.params?.b === params.b &&
    typeof d.postings === 'object'
  );
}

async function loadOrBuild(corpusFile: string, cacheDir: string, params: Bm25Params): Promise<Bm25Loaded> {
  const corpus = await loadCorpus(corpusFile);
  // The key covers the corpus bytes and the parameters: an edited corpus never reuses a stale index.
  const cacheFile = join(cacheDir, 'bm25', `${corpus.hash.slice(0, 32)}-k1_${params.k1}-b_${params.b}.json`);
  if (existsSync(cacheFile)) {
    try {
      const data: unknown = JSON.parse(await readFile(cacheFile, 'utf8'));
      if (isBm25Data(data, corpus.passages.length, params)) {
        return { index: new Bm25Index(corpus.passages, data), corpus, fromCache: true, cacheFile };
      }
    } catch {
      // A corrupt cache file is rebuilt below, never trusted.
    }
  }
  const data = buildBm25Data(corpus.passages, params);
  await writeFileAtomic(cacheFile, JSON.stringify(data));
  return { index: new Bm25Index(corpus.passages, data), corpus, fromCache: false, cacheFile };
}

/** The BM25 index over the HotpotQA corpus (title + " | " + text), built once and cached on disk. */
export function loadBm25(opts: Bm25LoadOptions = {}): Promise<Bm25Loaded> {
  let corpusFile = opts.corpusFile;
  if (corpusFile === undefined) {
    const dataDir = resolveDataDir(opts.dataDir);
    if (dataDir === undefined) {
      throw new Error(
        'The BM25 corpus needs hotpot_qa/corpus.jsonl: set AUTODIFF_DATA_DIR or dataDir (HotPotQA is offline-only)',
      );
    }
    corpusFile = join(dataDir, HOTPOT_CORPUS_FILE);
  }
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const params = opts.params ?? DEFAULT_BM25;
  const key = `${corpusFile}\0${cacheDir}\0${params.k1}\0${params.b}`;
  let p = memo.get(key);
  if (p === undefined) {
    p = loadOrBuild(corpusFile, cacheDir, params);
    memo.set(key, p);
    // A failed load is not memoized: the next call retries (e.g. after fixing the file).
    p.catch(() => memo.delete(key));
  }
  return p;
}
