/**
 * Memory: bytes of heap per recorded node (forward in train mode, then after backward with its
 * gradients), and the peak resident set size of a full `autodiff repro quick` reproduction run as a child
 * process (simulated world, a fresh results folder and cache).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { backward, type Parameter, sum } from '@llm-autodiff/core';
import { chainProgram, instant } from './engine-overhead.bench';
import { type BenchScale, FigureSet, FULL, fmt } from './lib/figures';
import { collectGarbage } from './lib/gc';
import { scratchDir } from './lib/sim-run';

const SUITE = 'memory';
const REPO = fileURLToPath(new URL('..', import.meta.url));

function heapAfterGc(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

const engine = instant('The instruction should ask for the exact entity.');

/**
 * Differential: two equal halves are recorded (and then backpropagated) one after the other, and the
 * growth between the first and the second is divided by the nodes of one half, so whatever else the
 * heap held before (earlier suites, compiled code) cancels out.
 */
async function bytesPerNode(figures: FigureSet, perSample: number, samples: number): Promise<void> {
  const { instr, forward } = chainProgram(perSample);
  const record = async (tag: string) => {
    const losses: Parameter<number>[] = [];
    for (let s = 0; s < samples; s++) losses.push(await forward(`${tag}${s}`));
    return sum(losses);
  };
  const first = await record('a');
  const h1 = heapAfterGc();
  const second = await record('b');
  const h2 = heapAfterGc();
  await backward(first, { engine });
  const h3 = heapAfterGc();
  await backward(second, { engine });
  const h4 = heapAfterGc();
  const nodes = perSample * samples;
  const shape = perSample === 3 ? 'generator + loss per sample' : `${perSample} nodes per sample`;
  figures.add({
    suite: SUITE,
    name: `heap per recorded node (${shape})`,
    value: (h2 - h1) / nodes,
    unit: 'B/node',
    note: `gradients add ${fmt((h4 - h3) / nodes)} B/node (each keeps its engine request: the messages, the system one shared); ${nodes} nodes per half`,
  });
  instr.zeroGrad();
}

/** Peak RSS of `autodiff repro quick` in a child process (its own `process.resourceUsage().maxRSS`). */
async function reproPeakRss(figures: FigureSet): Promise<void> {
  const bin = join(REPO, 'packages/runner/bin/autodiff.mjs');
  const scratch = scratchDir('bench-repro-');
  const rssFile = join(scratch.dir, 'maxrss');
  const probe = join(scratch.dir, 'maxrss.mjs');
  try {
    // A preload that writes the process's peak RSS (KiB) when it exits, whatever the exit code.
    writeFileSync(
      probe,
      `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`,
    );
    const started = performance.now();
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          probe,
          bin,
          'repro',
          'quick',
          '--results',
          join(scratch.dir, 'results'),
          '--cache',
          join(scratch.dir, 'cache.sqlite'),
        ],
        { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: '1' } },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-2000);
      });
      child.on('error', reject);
      child.on('exit', (c) =>
        c === 0 ? resolve(0) : reject(new Error(`exit ${c}: ${stderr.trim().split('\n').pop()}`)),
      );
    });
    if (code !== 0 || !existsSync(rssFile)) throw new Error('no peak RSS recorded');
    figures.add({
      suite: SUITE,
      name: 'peak RSS of `autodiff repro quick`',
      value: Number(readFileSync(rssFile, 'utf8')) / 1024,
      unit: 'MiB',
      note: `simulated model; ${fmt((performance.now() - started) / 1000)} s`,
    });
  } finally {
    scratch.done();
  }
}

export async function runMemory(figures = new FigureSet(), scale: BenchScale = FULL): Promise<FigureSet> {
  await bytesPerNode(figures, 10, scale.smoke ? 200 : 2_000);
  await bytesPerNode(figures, 3, scale.smoke ? 500 : 5_000);
  // The smoke run skips the minutes-long reproduction; a failure of the full one fails the suite.
  if (!scale.smoke) await reproPeakRss(figures);
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runMemory(new FigureSet(), { smoke: process.argv.includes('--smoke') });
}
