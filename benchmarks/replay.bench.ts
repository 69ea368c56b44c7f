/**
 * Replay as the user sees it: the same short experiment (one GDPO step of the multi-hop HotPotQA
 * pipeline, small validation and test splits) run twice as `autodiff train` processes against the sim
 * server over HTTP at realistic latency, first recording into a fresh response cache, then with
 * `--replay` (read-only cache, no request may leave the machine). Timed: each whole process, start-up,
 * dataset and BM25 index loading included. Targets: zero requests reach the server on replay, and the
 * replay at least 20× faster than the recording. Each process's CPU time is read too (startup.bench's timeChild),
 * with the start-up cost of a command that does nothing (`train --help`): on a loaded machine the
 * replay's wall-clock is mostly waiting for a core.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BenchScale, FigureSet, FULL, fmt } from './lib/figures';
import { STEP_LATENCY, scaledLatency, scratchDir } from './lib/sim-run';
import { startSimServerProcess } from './lib/sim-server-process';
import { timeChild } from './startup.bench';

const SUITE = 'replay';
const PIPELINE = 'hotpot-multihop';
const BIN = fileURLToPath(new URL('../packages/runner/bin/autodiff.mjs', import.meta.url));

export async function runReplay(figures = new FigureSet(), scale: BenchScale = FULL): Promise<FigureSet> {
  const server = await startSimServerProcess({ latency: scaledLatency(STEP_LATENCY, scale) });
  const scratch = scratchDir('bench-replay-');
  const args = (mode: 'record' | 'replay') => [
    'train',
    '--task',
    'hotpot',
    '--pipeline',
    PIPELINE,
    '--steps',
    '1',
    '--batch',
    '4',
    '--proposals',
    '2',
    '--val',
    scale.smoke ? '4' : '8',
    '--test',
    '2',
    '--concurrency',
    '4',
    '--task-model',
    'openai:sim:task',
    '--backward-model',
    'openai:sim:large',
    '--optimizer-model',
    'openai:sim:large',
    '--teacher-model',
    'openai:sim:large',
    '--base-url',
    server.url,
    '--cache',
    join(scratch.dir, 'cache.sqlite'),
    '--out',
    join(scratch.dir, `${mode}.json`),
    '--quiet',
    ...(mode === 'replay' ? ['--replay'] : []),
  ];
  try {
    const before = (await server.sync()).requests;
    const recorded = await timeChild([BIN, ...args('record')], { cwd: scratch.dir });
    const between = (await server.sync()).requests;
    const replayed = await timeChild([BIN, ...args('replay')], { cwd: scratch.dir });
    const after = (await server.sync()).requests;
    // What any command costs before it does its work (the launcher, module loading), timed alike.
    const startup = await timeChild([BIN, 'train', '--help'], { cwd: scratch.dir });
    figures.add({
      suite: SUITE,
      name: `${PIPELINE}, 1 step: requests reaching the server on replay`,
      value: after - between,
      unit: 'requests',
      target: { kind: 'max', value: 0 },
      note: `the recording run sent ${between - before}`,
    });
    figures.add({
      suite: SUITE,
      name: `${PIPELINE}, 1 step: recorded ÷ replayed, whole process`,
      value: recorded.wallMs / replayed.wallMs,
      unit: '×',
      target: { kind: 'min', value: 20 },
      // The recording waits on latency; the replay is start-up and CPU (loading, retrieval, cache reads).
      note: `autodiff train: ${fmt(recorded.wallMs / 1000)} s recording → ${fmt(replayed.wallMs / 1000)} s replaying (load average ${fmt(loadavg()[0] ?? 0)})`,
    });
    figures.add({
      suite: SUITE,
      name: `${PIPELINE}, 1 step: replay CPU time, whole process`,
      value: replayed.cpuMs / 1000,
      unit: 's',
      // On a shared machine the wall-clock above is mostly waiting for a core; this is what the replay costs.
      note: `recorded wall-clock ÷ replay CPU ${fmt(recorded.wallMs / replayed.cpuMs)}×; start-up alone (autodiff train --help, same launcher) ${fmt(startup.cpuMs / 1000)} s CPU, ${fmt(startup.wallMs / 1000)} s wall-clock`,
    });
  } finally {
    scratch.done();
    await server.close();
  }
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runReplay(new FigureSet(), { smoke: process.argv.includes('--smoke') });
}
