/**
 * `pnpm bench`: every figure in turn, each printed beside its target with a pass/miss mark, then written
 * to results/bench/bench.json and bench.md (machine, Node version, date). Speed and memory figures live
 * here, never in timed unit tests.
 *
 *   pnpm bench                      # every suite
 *   pnpm bench:smoke                # every suite, small (CI runs it so a broken suite cannot land)
 *   npx tsx benchmarks/run-all.ts --only engine,throughput
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runBm25Bench } from './bm25.bench';
import { runCoreBackwardBench } from './core-backward.bench';
import { runEngineOverhead } from './engine-overhead.bench';
import { runEvalThroughput } from './eval-throughput.bench';
import { type BenchScale, FigureSet, passes, type SuiteResult, writeFigures } from './lib/figures';
import { addBenchFigures } from './lib/tinybench-figures';
import { runLlmCacheBench } from './llm-cache.bench';
import { runMemory } from './memory.bench';
import { runReplay } from './replay.bench';
import { runStartup } from './startup.bench';
import { runTokensPerMethod } from './tokens.bench';
import { runTrainingStep } from './training-step.bench';

interface Suite {
  /** Short key for `--only`. */
  key: string;
  name: string;
  run: (figures: FigureSet, scale: BenchScale) => Promise<unknown>;
}

const SUITES: Suite[] = [
  { key: 'engine', name: 'engine overhead', run: runEngineOverhead },
  { key: 'step', name: 'training step vs critical path', run: runTrainingStep },
  { key: 'throughput', name: 'evaluation throughput', run: runEvalThroughput },
  { key: 'replay', name: 'replay', run: runReplay },
  { key: 'tokens', name: 'tokens per method', run: runTokensPerMethod },
  { key: 'memory', name: 'memory', run: runMemory },
  { key: 'start', name: 'cli start-up', run: runStartup },
  {
    key: 'cache',
    name: 'llm: response cache',
    run: async (f, scale) => addBenchFigures(f, 'llm response cache', await runLlmCacheBench(scale)),
  },
  {
    key: 'backward',
    name: 'core: forward + backward',
    run: async (f, scale) => addBenchFigures(f, 'core graph + backward', await runCoreBackwardBench(scale)),
  },
  {
    key: 'bm25',
    name: 'tasks: BM25',
    run: async (f, scale) => addBenchFigures(f, 'BM25', await runBm25Bench(scale)),
  },
];

const USAGE = `usage: npx tsx benchmarks/run-all.ts [--smoke] [--only ${SUITES.map((s) => s.key).join(',')}] [--out DIR]
  --smoke   a small run of every suite (seconds, not minutes), targets off; written to results/bench/smoke`;

function parse(): { suites: Suite[]; out: string; scale: BenchScale } {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      out: { type: 'string' },
      smoke: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const scale: BenchScale = { smoke: values.smoke === true };
  const defaultOut = scale.smoke ? '../results/bench/smoke' : '../results/bench';
  const out = values.out ?? fileURLToPath(new URL(defaultOut, import.meta.url));
  if (!values.only) return { suites: SUITES, out, scale };
  const keys = values.only.split(',').filter(Boolean);
  const unknown = keys.filter((k) => !SUITES.some((s) => s.key === k));
  if (unknown.length > 0 || keys.length === 0)
    throw new Error(`--only: unknown suite "${unknown[0] ?? ''}"\n${USAGE}`);
  return { suites: SUITES.filter((s) => keys.includes(s.key)), out, scale };
}

async function main(): Promise<number> {
  const { suites, out, scale } = parse();
  const results: SuiteResult[] = [];
  const started = performance.now();
  for (const suite of suites) {
    console.log(`\n## ${suite.name}${scale.smoke ? ' (smoke)' : ''}`);
    const figures = new FigureSet({ thresholds: !scale.smoke });
    const t0 = performance.now();
    let error: string | undefined;
    try {
      await suite.run(figures, scale);
    } catch (e) {
      error = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? 'failed';
      console.log(`  FAILED: ${error}`);
      if (process.env.BENCH_DEBUG) console.error(e);
    }
    const seconds = (performance.now() - t0) / 1000;
    console.log(`  (${seconds.toFixed(1)} s)`);
    results.push({
      key: suite.key,
      name: suite.name,
      status: error === undefined ? 'ok' : 'failed',
      error,
      seconds,
      figures: figures.figures,
    });
  }
  const { json, md } = await writeFigures(out, results, {
    run: scale.smoke ? 'smoke (small sizes, targets off)' : 'full',
    suites: suites.map((s) => s.key).join(', '),
    'bench wall-clock': `${((performance.now() - started) / 1000).toFixed(0)} s`,
  });
  const failed = results.filter((r) => r.status === 'failed');
  const misses = results.flatMap((r) => r.figures).filter((f) => passes(f) === false).length;
  console.log(`\nwritten: ${md}, ${json}`);
  console.log(
    `${results.length - failed.length} of ${results.length} suites ran${failed.length ? ` (failed: ${failed.map((f) => f.key).join(', ')})` : ''}; ${misses} figures missed their target`,
  );
  // A miss is a finding, printed and written; a suite that cannot run is a failure.
  return failed.length ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (e) {
  console.error(`bench: ${(e as Error).message}`);
  process.exitCode = 2;
}
