/**
 * Start-up of the `autodiff` CLI as users run it (bin/autodiff.mjs on the compiled dist/ of `pnpm build`):
 * `autodiff --help` and `autodiff train --help` against a bare `node -e 0` on the same machine, each the
 * median of a few child processes, wall-clock and CPU (the CPU figure holds up better on a busy machine);
 * the same `--help` from the TypeScript sources through tsx (what the launcher falls back to when the build
 * is stale), for comparison; and a one-step simulated training run's process wall-clock against the run's
 * own reported wall-clock (`wallMs` of its results file). Targets: `--help` within 10× of `node -e 0`, the
 * one-step run's process within 2× of the run.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { staleBuild, staleBuildNotice } from '../packages/runner/bin/stale-build.mjs';
import { FigureSet, fmt } from './lib/figures';
import { scratchDir } from './lib/sim-run';

const SUITE = 'cli start-up';
const PACKAGES = fileURLToPath(new URL('../packages/', import.meta.url));
const BIN = join(PACKAGES, 'runner', 'bin', 'autodiff.mjs');
const RUNS = 5;
/** Each child reports its own CPU time (the whole process, start-up included) as it exits. */
const CPU_REPORT = `data:text/javascript,${encodeURIComponent(
  "import { writeFileSync } from 'node:fs'; process.on('exit', () => { const u = process.cpuUsage(); writeFileSync(process.env.BENCH_CPU_FILE, String((u.user + u.system) / 1000)); });",
)}`;

interface Timing {
  wallMs: number;
  cpuMs: number;
  stdout: string;
  stderr: string;
}

/** Node options without the tests' source condition: the compiled CLI must run as users run it. */
function nodeOptions(sources: boolean): string {
  const kept = (process.env.NODE_OPTIONS ?? '')
    .split(/\s+/)
    .filter((o) => o && !o.includes('autodiff-source'))
    .join(' ');
  return sources ? `${kept} --conditions=autodiff-source`.trim() : kept;
}

export async function timeChild(args: string[], opts: { cwd: string; sources?: boolean }): Promise<Timing> {
  const cpuFile = join(opts.cwd, 'cpu.txt');
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', CPU_REPORT, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, NODE_OPTIONS: nodeOptions(opts.sources ?? false), BENCH_CPU_FILE: cpuFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const code = await new Promise<number | null>((done) => child.on('close', done));
  const wallMs = performance.now() - t0;
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}: ${stderr.split('\n')[0]}`);
  return { wallMs, cpuMs: Number(readFileSync(cpuFile, 'utf8')), stdout, stderr };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function medianTiming(args: string[], cwd: string, sources = false) {
  const runs: Timing[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await timeChild(args, { cwd, sources }));
  return { wallMs: median(runs.map((r) => r.wallMs)), cpuMs: median(runs.map((r) => r.cpuMs)), runs };
}

export async function runStartup(figures = new FigureSet()): Promise<FigureSet> {
  const stale = staleBuild(PACKAGES);
  if (stale) throw new Error(`${staleBuildNotice(stale)} (the benchmark measures the compiled CLI)`);
  const scratch = scratchDir('bench-startup-');
  try {
    const node = await medianTiming(['-e', '0'], scratch.dir);
    figures.add({
      suite: SUITE,
      name: 'node -e 0',
      value: node.wallMs,
      unit: 'ms',
      note: `CPU ${fmt(node.cpuMs)} ms; median of ${RUNS}`,
    });
    const versus = async (label: string, args: string[], sources: boolean, target?: number) => {
      const t = await medianTiming([BIN, ...args], scratch.dir, sources);
      if (!sources && t.runs.some((r) => r.stderr.includes('tsx')))
        throw new Error(`${label} ran through tsx`);
      figures.add({
        suite: SUITE,
        name: `${label}: wall-clock ÷ node -e 0`,
        value: t.wallMs / node.wallMs,
        unit: '×',
        ...(target ? { target: { kind: 'max' as const, value: target } } : {}),
        note: `${fmt(t.wallMs)} ms wall, ${fmt(t.cpuMs)} ms CPU (${fmt(t.cpuMs / node.cpuMs)}× node's CPU); median of ${RUNS}`,
      });
    };
    await versus('autodiff --help (compiled)', ['--help'], false, 10);
    await versus('autodiff train --help (compiled)', ['train', '--help'], false, 10);
    await versus('autodiff --help (sources through tsx)', ['--help'], true);

    const train = await timeChild(
      [
        BIN,
        'train',
        '--task',
        'object-count',
        ...['--steps', '1', '--batch', '2', '--proposals', '2'],
      ].concat(['--train', '6', '--val', '4', '--test', '4', '--cache', 'off', '--quiet']),
      { cwd: scratch.dir },
    );
    const resultFile = train.stdout.match(/^results: (.+\.json)$/m)?.[1];
    if (!resultFile) throw new Error('the one-step run named no results file');
    const { result } = JSON.parse(readFileSync(resultFile, 'utf8')) as {
      result: { wallMs: number };
    };
    figures.add({
      suite: SUITE,
      name: 'one-step simulated train: process wall-clock ÷ run wall-clock',
      value: train.wallMs / result.wallMs,
      unit: '×',
      target: { kind: 'max', value: 2 },
      note: `process ${fmt(train.wallMs)} ms (CPU ${fmt(train.cpuMs)} ms), run ${fmt(result.wallMs)} ms; object-count, GDPO, batch 2, 2 proposals, splits 6/4/4, no cache`,
    });
  } finally {
    scratch.done();
  }
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runStartup();
}
