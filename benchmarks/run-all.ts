/**
 * `pnpm bench`: every figure in turn, each printed beside its target with a pass/miss mark, then written
 * to results/bench/bench.json and bench.md (machine, Node version, date). Speed and memory figures live
 * here, never in timed unit tests.
 *
 *   pnpm bench                      # every suite
 *   npx tsx benchmarks/run-all.ts --only engine,throughput
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runBm25Bench } from './bm25.bench';
import { runCoreBackwardBench } from './core-backward.bench';
import { runEngineOverhead } from './engine-overhead.bench';
import { runEvalThroughput } from './eval-throughput.bench';
import { FigureSet, writeFigures } from './lib/figures';
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
  run: (figures: FigureSet) => Promise<unknown>;
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
    run: async (f) => addBenchFigures(f, 'llm response cache', await runLlmCacheBench()),
  },
  {
    key: 'backward',
    name: 'core: forward + backward',
    run: async (f) => addBenchFigures(f, 'core graph + backward', await runCoreBackwardBench()),
  },
  { key: 'bm25', name: 'tasks: BM25', run: async (f) => addBenchFigures(f, 'BM25', await runBm25Bench()) },
];

const USAGE = `usage: npx tsx benchmarks/run-all.ts [--only ${SUITES.map((s) => s.key).join(',')}] [--out DIR]`;

function parse(): { suites: Suite[]; out: string } {
  const { values } = parseArgs({
    options: { only: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const out = values.out ?? fileURLToPath(new URL('../results/bench', import.meta.url));
  if (!values.only) return { suites: SUITES, out };
  const keys = values.only.split(',').filter(Boolean);
  const unknown = keys.filter((k) => !SUITES.some((s) => s.key === k));
  if (unknown.length > 0 || keys.length === 0)
    throw new Error(`--only: unknown suite "${unknown[0] ?? ''}"\n${USAGE}`);
  return { suites: SUITES.filter((s) => keys.includes(s.key)), out };
}

async function main(): Promise<number> {
  const { suites, out } = parse();
  const figures = new FigureSet();
  const started = performance.now();
  let failed = 0;
  for (const suite of suites) {
    console.log(`\n## ${suite.name}`);
    const t0 = performance.now();
    try {
      await suite.run(figures);
    } catch (e) {
      failed++;
      figures.add({
        suite: suite.name,
        name: 'suite',
        value: Number.NaN,
        unit: '',
        note: `failed: ${(e as Error).message.split('\n')[0]}`,
      });
    }
    console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  const { json, md } = writeFigures(out, figures.figures, {
    suites: suites.map((s) => s.key).join(', '),
    'bench wall-clock': `${((performance.now() - started) / 1000).toFixed(0)} s`,
  });
  console.log(`\nwritten: ${md}, ${json}`);
  return failed ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (e) {
  console.error((e as Error).message);
  process.exitCode = 2;
}
