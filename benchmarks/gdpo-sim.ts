/**
 * End-to-end benchmark: GDPO on each of the six pipelines in the simulated world, one markdown table.
 *
 *   npx tsx benchmarks/gdpo-sim.ts [--steps 12] [--pipelines a,b] [--seed 2025] [--latency realistic]
 *
 * The models and pipeline come from the runner's `setupRun` and training from the trainer's `train()`
 * with method `gdpo`, as in `autodiff train`, but with GDPO's library defaults rather than the pipeline's
 * reference preset (no per-role sampling options), and no response cache so every figure is measured,
 * not replayed. One ledger per pipeline, so calls and
 * tokens per role belong to that run only. The numbers describe the simulated world, not any real model.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs as parseFlags } from 'node:util';
import type { UsageLedger } from '@llm-autodiff/llm';
import { setupRun } from '@llm-autodiff/runner';
import { type LatencySpec, REALISTIC_LATENCY } from '@llm-autodiff/sim';
import { PIPELINE_NAMES, type PipelineName } from '@llm-autodiff/tasks';
import { train } from '@llm-autodiff/trainer';

const USAGE = `usage: npx tsx benchmarks/gdpo-sim.ts [--steps N] [--pipelines a,b] [--seed N] [--latency zero|realistic]
  pipelines: ${PIPELINE_NAMES.join(', ')} (default: all)`;

interface Args {
  steps: number;
  pipelines: PipelineName[];
  seed: number;
  latency?: LatencySpec;
}

function parseArgs(argv: string[]): Args {
  const { values } = parseFlags({
    args: argv,
    options: {
      steps: { type: 'string' },
      pipelines: { type: 'string' },
      seed: { type: 'string' },
      latency: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) throw new Error('');
  const int = (flag: 'steps' | 'seed', fallback: number): number => {
    const v = values[flag];
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v)) throw new Error(`--${flag} must be a non-negative integer, got "${v}"`);
    return Number(v);
  };
  const pipelines = (values.pipelines ?? PIPELINE_NAMES.join(',')).split(',').filter(Boolean);
  for (const p of pipelines)
    if (!(PIPELINE_NAMES as string[]).includes(p))
      throw new Error(`--pipelines: unknown pipeline "${p}"; expected one of ${PIPELINE_NAMES.join(', ')}`);
  const latency = values.latency ?? 'zero';
  if (latency !== 'zero' && latency !== 'realistic')
    throw new Error(`--latency must be zero or realistic, got "${latency}"`);
  return {
    steps: int('steps', 12),
    pipelines: pipelines as PipelineName[],
    seed: int('seed', 2025),
    latency: latency === 'realistic' ? REALISTIC_LATENCY : undefined,
  };
}

interface Row {
  pipeline: PipelineName;
  startVal: number;
  finalVal: number;
  startTest: number;
  finalTest?: number;
  ledger: UsageLedger;
  wallMs: number;
}

async function runOne(name: PipelineName, args: Args, workDir: string): Promise<Row> {
  const run = await setupRun({
    pipeline: name,
    experiment: `bench-gdpo-${name}`,
    settings: args.latency ? { latency: args.latency } : undefined,
  });
  const started = performance.now();
  const result = await train({
    program: run.program,
    data: run.data,
    models: { optimizer: run.models.optimizer, backward: run.models.backward },
    method: 'gdpo',
    methodConfig: { steps: args.steps },
    trainer: { seed: args.seed },
    usage: run.ledger,
    checkpointPath: join(workDir, `${name}.ckpt.json`),
  });
  return {
    pipeline: name,
    startVal: result.initial?.val ?? Number.NaN,
    finalVal: result.final.val ?? Number.NaN,
    startTest: result.initial?.test ?? Number.NaN,
    finalTest: result.final.test,
    ledger: run.ledger,
    wallMs: performance.now() - started,
  };
}

function usageCell(ledger: UsageLedger, role: string): string {
  const u = ledger.byRole()[role];
  if (!u) return '0 / 0';
  return `${u.calls} / ${((u.promptTokens + u.completionTokens) / 1000).toFixed(0)}k`;
}

function table(rows: Row[], args: Args): string {
  const f = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(3));
  const lines = [
    `**simulated model — not research results** (GDPO, ${args.steps} steps, seed ${args.seed}, sim:task with sim:large as backward model and optimizer, ${args.latency ? 'realistic' : 'zero'} latency, no response cache)`,
    '',
    '| pipeline | start val | final val | start test | final test | task calls / tokens | backward calls / tokens | optimizer calls / tokens | wall-clock |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.pipeline} | ${f(r.startVal)} | ${f(r.finalVal)} | ${f(r.startTest)} | ${f(r.finalTest)} | ${usageCell(r.ledger, 'task')} | ${usageCell(r.ledger, 'backward')} | ${usageCell(r.ledger, 'optimizer')} | ${(r.wallMs / 1000).toFixed(1)} s |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    if ((e as Error).message) console.error(`error: ${(e as Error).message}`);
    console.error(USAGE);
    process.exit(2);
  }
  const workDir = mkdtempSync(join(tmpdir(), 'gdpo-sim-bench-'));
  const rows: Row[] = [];
  try {
    for (const name of args.pipelines) {
      const row = await runOne(name, args, workDir);
      console.error(`${name}: val ${row.startVal.toFixed(3)} -> ${row.finalVal.toFixed(3)}`);
      rows.push(row);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  console.log(table(rows, args));
}

await main();
