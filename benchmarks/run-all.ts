/**
 * `pnpm bench`: every micro-benchmark in turn, one table each. Speed and memory figures live here, never
 * in timed unit tests. End-to-end figures: `npx tsx benchmarks/gdpo-sim.ts`.
 */
import type { Bench } from 'tinybench';
import { runBm25Bench } from './bm25.bench';
import { runCoreBackwardBench } from './core-backward.bench';
import { runLlmCacheBench } from './llm-cache.bench';

const suites: Array<[string, () => Promise<Bench>]> = [
  ['llm: response cache', runLlmCacheBench],
  ['core: forward + backward', runCoreBackwardBench],
  ['tasks: BM25', runBm25Bench],
];

let failed = 0;
for (const [name, run] of suites) {
  console.log(`\n## ${name}`);
  try {
    const bench = await run();
    console.table(bench.table());
  } catch (e) {
    failed++;
    console.error(`${name}: ${(e as Error).message}`);
  }
}
const mem = process.memoryUsage();
console.log(
  `\nmemory after all suites: rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB, heap ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB`,
);
process.exitCode = failed ? 1 : 0;
