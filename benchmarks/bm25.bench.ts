/**
 * BM25 over the HotpotQA corpus (11,252 paragraphs, title + " | " + text): index build from the parsed
 * corpus, loading the cached index from disk, and query latency at the pipelines' k (3 vanilla, 2 per
 * hop) with real dev questions as queries. Run: `npx tsx benchmarks/bm25.bench.ts`. Needs the shared
 * datasets (AUTODIFF_DATA_DIR or ../shared/datasets). Not part of the test suite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  Bm25Index,
  HOTPOT_CORPUS_FILE,
  loadBm25,
  loadCorpus,
  readHotpotFile,
  resolveDataDir,
} from '@llm-autodiff/tasks';
import { Bench } from 'tinybench';
import { type BenchScale, FULL } from './lib/figures';

export async function runBm25Bench(scale: BenchScale = FULL): Promise<Bench> {
  const dataDir = resolveDataDir();
  if (dataDir === undefined)
    throw new Error('bm25 bench: the shared datasets were not found (set AUTODIFF_DATA_DIR)');
  const corpus = await loadCorpus(join(dataDir, HOTPOT_CORPUS_FILE));
  const questions = (await readHotpotFile(join(dataDir, 'hotpot_qa', 'dev_distractor_500.jsonl'))).map(
    (e) => e.question,
  );
  const index = Bm25Index.build(corpus.passages);
  const cacheDir = mkdtempSync(join(tmpdir(), 'bm25-bench-'));
  await loadBm25({ dataDir, cacheDir }); // writes the cache file the "load" task reads
  let q = 0;
  let copy = 0;

  const bench = new Bench({
    name: `BM25 over ${corpus.passages.length} HotpotQA paragraphs`,
    // The index build takes seconds: three timed runs after one warm-up keep the suite short.
    time: scale.smoke ? 0 : 1000,
    iterations: scale.smoke ? 1 : 3,
    warmupIterations: scale.smoke ? 0 : 1,
    warmupTime: 0,
  });
  bench
    .add('index build (tokenize + postings)', () => {
      Bm25Index.build(corpus.passages);
    })
    .add('load cached index from disk (fresh key: parse corpus + JSON)', async () => {
      // A new corpus path per iteration bypasses the in-process memo, as a new process would.
      const { existsSync, copyFileSync } = await import('node:fs');
      const file = join(cacheDir, `corpus-${copy++}.jsonl`);
      if (!existsSync(file)) copyFileSync(join(dataDir, HOTPOT_CORPUS_FILE), file);
      const loaded = await loadBm25({ corpusFile: file, cacheDir });
      if (!loaded.fromCache) throw new Error('expected a cache hit');
    })
    .add('query, k = 3 (vanilla RAG)', () => {
      index.search(questions[q++ % questions.length]!, 3);
    })
    .add('query, k = 2 (per hop)', () => {
      index.search(questions[q++ % questions.length]!, 2);
    });
  await bench.run();
  rmSync(cacheDir, { recursive: true, force: true });
  return bench;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const bench = await runBm25Bench({ smoke: process.argv.includes('--smoke') });
  console.log(bench.name);
  console.table(bench.table());
}
