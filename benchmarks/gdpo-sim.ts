/**
 * End-to-end benchmark: GDPO on each of the six pipelines in the simulated world, one markdown table.
 *
 *   npx tsx benchmarks/gdpo-sim.ts [--steps 12] [--pipelines a,b] [--seed 2025] [--latency realistic]
 *
 * Same wiring as scripts/train.ts (tasks registry, gdpo `train()`, llm ManagedModel + UsageLedger), with
 * no response cache so every figure is measured, not replayed. One ledger per pipeline, so calls and
 * tokens per role belong to that run only. The numbers describe the simulated world, not any real model.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gdpoMethod } from '@llm-autodiff/gdpo';
import { type ChatModel, type UsageLedger as Ledger, managedModel, UsageLedger } from '@llm-autodiff/llm';
import { createSimModel, type LatencySpec, REALISTIC_LATENCY } from '@llm-autodiff/sim';
import {
  createPipeline,
  loadBm25,
  loadTask,
  PIPELINE_NAMES,
  type PipelineName,
  taskOf,
} from '@llm-autodiff/tasks';
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
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] as string;
    if (flag === '--help') throw new Error('');
    if (!['--steps', '--pipelines', '--seed', '--latency'].includes(flag))
      throw new Error(`unknown argument "${flag}"`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`flag ${flag} needs a value`);
    flags.set(flag, value);
  }
  const int = (flag: string, fallback: number): number => {
    const v = flags.get(flag);
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v)) throw new Error(`${flag} must be a non-negative integer, got "${v}"`);
    return Number(v);
  };
  const pipelines = (flags.get('--pipelines') ?? PIPELINE_NAMES.join(',')).split(',').filter(Boolean);
  for (const p of pipelines)
    if (!(PIPELINE_NAMES as string[]).includes(p))
      throw new Error(`--pipelines: unknown pipeline "${p}"; expected one of ${PIPELINE_NAMES.join(', ')}`);
  const latency = flags.get('--latency') ?? 'zero';
  if (latency !== 'zero' && latency !== 'realistic')
    throw new Error(`--latency must be zero or realistic, got "${latency}"`);
  return {
    steps: int('--steps', 12),
    pipelines: pipelines as PipelineName[],
    seed: int('--seed', 2025),
    latency: latency === 'realistic' ? REALISTIC_LATENCY : undefined,
  };
}

interface Row {
  pipeline: PipelineName;
  startVal: number;
  finalVal: number;
  startTest: number;
  finalTest?: number;
  ledger: Ledger;
  wallMs: number;
}

async function runOne(name: PipelineName, args: Args, workDir: string): Promise<Row> {
  const ledger = new UsageLedger({ labels: { experiment: `bench-gdpo-${name}` } });
  const model = (profile: string): ChatModel =>
    managedModel(createSimModel(profile, { latency: args.latency }), { ledger });
  const large = model('large');
  const retriever = taskOf(name) === 'hotpot' ? (await loadBm25()).index : undefined;
  const program = createPipeline(name, { model: model('task'), retriever });
  const data = await loadTask(name);
  const started = performance.now();
  const result = await train({
    program,
    data: { train: data.train, val: data.val, test: data.test },
    models: { optimizer: large, backward: large },
    method: gdpoMethod,
    methodConfig: { steps: args.steps },
    trainer: { seed: args.seed },
    usage: ledger,
    checkpointPath: join(workDir, `${name}.ckpt.json`),
  });
  return {
    pipeline: name,
    startVal: result.initial.val,
    finalVal: result.final.val,
    startTest: result.initial.test,
    finalTest: result.final.test,
    ledger,
    wallMs: performance.now() - started,
  };
}

function usageCell(ledger: Ledger, role: string): string {
  const u = ledger.byRole()[role];
  if (!u) return '0 / 0';
  return `${u.calls} / ${((u.promptTokens + u.completionTokens) / 1000).toFixed(0)}k`;
}

function table(rows: Row[], args: Args): string {
  const f = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(3));
  const lines = [
    `**simulated model — not research results** (GDPO, ${args.steps} steps, seed ${args.seed}, sim:task with sim:large as backward engine and optimizer, ${args.latency ? 'realistic' : 'zero'} latency, no response cache)`,
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
