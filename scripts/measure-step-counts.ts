/**
 * Measures model calls and tokens per step on the simulated world (no cache: every call counted) and
 * writes packages/runner/experiments/step-counts.json, which `autodiff repro --dry-run` scales to estimate
 * an experiment's calls, tokens and dollars.
 *
 *   npx tsx scripts/measure-step-counts.ts [--pipelines a,b]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Semaphore } from '@llm-autodiff/llm';
import { loadBm25, PIPELINE_NAMES, type PipelineName } from '@llm-autodiff/tasks';
import { parseMethod } from '../packages/runner/src/experiment/methods';
import { type RunSpec, runIdOf } from '../packages/runner/src/repro/plan';
import { runOne } from '../packages/runner/src/repro/run-one';
import {
  type MeasuredPipeline,
  STEP_COUNTS_FILE,
  type StepCountTable,
  type TokensPerCall,
} from '../packages/runner/src/repro/step-counts';

const REFERENCE = { batchSize: 4, proposalsPerStep: 2, val: 16, test: 16, steps: 3 };

interface StepUsage {
  phase: string;
  usage: Record<string, { calls: number; promptTokens: number; completionTokens: number }>;
}

function perCall(steps: StepUsage[]): {
  calls: Record<string, number>;
  tokensPerCall: Record<string, TokensPerCall>;
} {
  const calls: Record<string, number> = {};
  const prompt: Record<string, number> = {};
  const completion: Record<string, number> = {};
  for (const s of steps)
    for (const [role, u] of Object.entries(s.usage)) {
      calls[role] = (calls[role] ?? 0) + u.calls;
      prompt[role] = (prompt[role] ?? 0) + u.promptTokens;
      completion[role] = (completion[role] ?? 0) + u.completionTokens;
    }
  const tokensPerCall: Record<string, TokensPerCall> = {};
  for (const [role, n] of Object.entries(calls))
    if (n > 0)
      tokensPerCall[role] = {
        prompt: Math.round((prompt[role] ?? 0) / n),
        completion: Math.round((completion[role] ?? 0) / n),
      };
  return { calls, tokensPerCall };
}

async function measure(pipeline: PipelineName, dir: string): Promise<MeasuredPipeline> {
  const methodId = parseMethod('gdpo');
  if (typeof methodId === 'string') throw new Error(methodId);
  const spec: RunSpec = {
    experiment: 'measure',
    runId: runIdOf(pipeline, 'gdpo', 0),
    pipeline,
    method: 'gdpo',
    methodId,
    repeat: 0,
    seed: 2025,
    models: { task: 'sim:task', backward: 'sim:large', optimizer: 'sim:large', teacher: 'sim:teacher' },
    simulated: true,
    config: {
      steps: REFERENCE.steps,
      batchSize: REFERENCE.batchSize,
      proposalsPerStep: REFERENCE.proposalsPerStep,
      seed: 2025,
    },
    methodConfig: {
      steps: REFERENCE.steps,
      batchSize: REFERENCE.batchSize,
      proposalsPerStep: REFERENCE.proposalsPerStep,
    },
    sizes: { train: 16, val: REFERENCE.val, test: REFERENCE.test },
    budget: undefined,
    dir: join(dir, pipeline),
  };
  const semaphores = new Map<string, Semaphore>();
  const { steps } = await runOne(spec, {
    cache: undefined,
    semaphoreFor: (id) => semaphores.get(id) ?? (semaphores.set(id, new Semaphore(4)).get(id) as Semaphore),
    retriever: async () => (await loadBm25()).index,
    resume: false,
  });
  const records = steps as StepUsage[];
  const init = records.filter((s) => s.phase === 'init');
  const text = records.filter((s) => s.phase === 'text');
  const evalCounts = perCall(init);
  const stepCounts = perCall(text);
  const examples = REFERENCE.val + REFERENCE.test;
  return {
    eval: {
      callsPerExample: Object.fromEntries(
        Object.entries(evalCounts.calls).map(([r, n]) => [r, n / examples]),
      ),
      tokensPerCall: evalCounts.tokensPerCall,
    },
    step: {
      calls: Object.fromEntries(
        Object.entries(stepCounts.calls).map(([r, n]) => [r, n / Math.max(1, text.length)]),
      ),
      tokensPerCall: stepCounts.tokensPerCall,
    },
  };
}

const flag = process.argv.indexOf('--pipelines');
const names = (flag >= 0 ? (process.argv[flag + 1] ?? '') : PIPELINE_NAMES.join(',')).split(
  ',',
) as PipelineName[];
const dir = mkdtempSync(join(tmpdir(), 'measure-steps-'));
const table: StepCountTable = {
  measured:
    'simulated world (sim:task, sim:large, sim:teacher), no response cache; scripts/measure-step-counts.ts',
  reference: REFERENCE,
  pipelines: {},
};
try {
  for (const name of names) {
    const t0 = performance.now();
    table.pipelines[name] = await measure(name, dir);
    process.stderr.write(`${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
writeFileSync(STEP_COUNTS_FILE, `${JSON.stringify(table, null, 2)}\n`);
process.stderr.write(`wrote ${STEP_COUNTS_FILE}\n`);
