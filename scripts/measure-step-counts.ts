/**
 * Measures every method's model calls and tokens on the simulated world (no cache: every call counted)
 * and writes packages/runner/experiments/step-counts.json, which `autodiff repro --dry-run` scales to
 * estimate an experiment's calls, tokens and dollars (packages/runner/src/repro/estimate.ts).
 *
 * Each method runs once per pipeline at small settings (REFERENCE below); per training phase and role the
 * calls are stored next to the driver they scale with (src/repro/estimate-drivers.ts).
 *
 *   npx tsx scripts/measure-step-counts.ts [--pipelines a,b] [--methods gdpo,textgrad]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Semaphore } from '@llm-autodiff/llm';
import { loadBm25, PIPELINE_NAMES, type PipelineName, pipelines } from '@llm-autodiff/tasks';
import { type MethodBase, parseMethod } from '../packages/runner/src/experiment/methods';
import { methods } from '../packages/runner/src/methods';
import { COST_MODELS, type Role, type TrainingMethod } from '../packages/runner/src/repro/estimate-drivers';
import { type RunSpec, runIdOf } from '../packages/runner/src/repro/plan';
import { runOne } from '../packages/runner/src/repro/run-one';
import {
  type MeasuredMethod,
  type MeasuredPipeline,
  type MeasuredRole,
  STEP_COUNTS_FILE,
  STEP_COUNTS_FORMAT,
  type StepCountTable,
  type TokensPerCall,
} from '../packages/runner/src/repro/step-counts';
import { wantsDemosSlot } from '../packages/runner/src/run-config';

const SIZES = { train: 16, val: 12, test: 8 };

/** Small settings per method, so all pipelines measure in minutes; the estimate scales from them. */
const REFERENCE: Record<TrainingMethod, Record<string, unknown>> = {
  gdpo: { steps: 2, batchSize: 4, proposalsPerStep: 2, demos: { steps: 1 } },
  textgrad: { epochs: 1, stepsPerEpoch: 2 },
  bootstrap: {},
  bfsrs: { numCandidatePrograms: 2 },
  mipro: { numCandidates: 3, numTrials: 4 },
  gepa: { maxMetricCalls: 60 },
};

interface StepUsage {
  step: number;
  phase: string;
  usage: Record<string, { calls: number; promptTokens: number; completionTokens: number }>;
}

type Totals = Record<string, { calls: number; prompt: number; completion: number }>;

function totals(records: readonly StepUsage[]): Totals {
  const out: Totals = {};
  for (const r of records)
    for (const [role, u] of Object.entries(r.usage)) {
      const t = out[role] ?? { calls: 0, prompt: 0, completion: 0 };
      t.calls += u.calls;
      t.prompt += u.promptTokens;
      t.completion += u.completionTokens;
      out[role] = t;
    }
  return out;
}

function perCall(t: { calls: number; prompt: number; completion: number }): TokensPerCall {
  const n = Math.max(1, t.calls);
  return { prompt: Math.round(t.prompt / n), completion: Math.round(t.completion / n) };
}

function perExample(records: readonly StepUsage[], examples: number): MeasuredPipeline['eval'] {
  const t = totals(records);
  const callsPerExample: Record<string, number> = {};
  const tokensPerCall: Record<string, TokensPerCall> = {};
  for (const [role, u] of Object.entries(t)) {
    if (u.calls === 0) continue;
    callsPerExample[role] = u.calls / examples;
    tokensPerCall[role] = perCall(u);
  }
  return { callsPerExample, tokensPerCall } as MeasuredPipeline['eval'];
}

function specOf(pipeline: PipelineName, method: TrainingMethod, dir: string): RunSpec {
  const methodId = parseMethod(method);
  if (typeof methodId === 'string') throw new Error(methodId);
  return {
    experiment: 'measure',
    runId: runIdOf(pipeline, method, 0),
    pipeline,
    method,
    methodId,
    repeat: 0,
    seed: 2025,
    models: { task: 'sim:task', backward: 'sim:large', optimizer: 'sim:large', teacher: 'sim:teacher' },
    simulated: true,
    config: { seed: 2025 },
    methodConfig: REFERENCE[method],
    sizes: SIZES,
    budget: undefined,
    dir: join(dir, pipeline, method),
  };
}

async function measure(
  pipeline: PipelineName,
  method: TrainingMethod,
  dir: string,
): Promise<{ measured: MeasuredMethod; init: StepUsage[] }> {
  const spec = specOf(pipeline, method, dir);
  const semaphores = new Map<string, Semaphore>();
  const { steps } = await runOne(spec, {
    cache: undefined,
    semaphoreFor: (id) => semaphores.get(id) ?? (semaphores.set(id, new Semaphore(4)).get(id) as Semaphore),
    retriever: async () => (await loadBm25()).index,
    resume: false,
  });
  const records = steps as StepUsage[];
  const init = records.filter((s) => s.phase === 'init');
  const final = records.filter((s) => s.phase === 'final');
  const training = records.filter((s) => s.phase !== 'init' && s.phase !== 'final');
  const model = COST_MODELS[method];
  const config = methods.get(method).resolveConfig(spec.methodConfig);
  const shape = {
    ...SIZES,
    prompts: pipelines[pipeline].trainable.length,
    demoSlots: wantsDemosSlot(method, spec.methodConfig) && pipelines[pipeline].demosSlot ? 1 : 0,
  };
  const drivers = model.drivers(config, shape);
  const byPhase = new Map<string, StepUsage[]>();
  for (const r of training) {
    const phase = model.phaseOf(r.phase);
    byPhase.set(phase, [...(byPhase.get(phase) ?? []), r]);
  }
  const phases: MeasuredMethod['phases'] = {};
  for (const [phase, phaseDrivers] of Object.entries(drivers)) {
    const seen = totals(byPhase.get(phase) ?? []);
    const roles: Partial<Record<Role, MeasuredRole>> = {};
    for (const [role, driver] of Object.entries(phaseDrivers) as Array<[Role, number]>) {
      if (driver <= 0) continue;
      const t = seen[role] ?? { calls: 0, prompt: 0, completion: 0 };
      roles[role] = { calls: t.calls, driver, tokensPerCall: perCall(t) };
    }
    phases[phase] = roles;
  }
  // A call the drivers do not expect would be left out of every estimate: refuse to write such a table.
  for (const [phase, rs] of byPhase)
    for (const [role, t] of Object.entries(totals(rs)))
      if (t.calls > 0 && !(phases[phase] as Record<string, unknown> | undefined)?.[role])
        throw new Error(
          `${pipeline} ${method}: ${t.calls} ${role} calls in phase "${phase}" have no driver (estimate-drivers.ts)`,
        );
  return {
    measured: {
      reference: { config: REFERENCE[method], sizes: SIZES, steps: training.length },
      phases,
      final: perExample(final, SIZES.test),
    },
    init,
  };
}

function listFlag(name: string, all: readonly string[]): string[] {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? '').split(',') : [...all];
}

const names = listFlag('--pipelines', PIPELINE_NAMES) as PipelineName[];
const methodNames = listFlag('--methods', Object.keys(COST_MODELS)) as TrainingMethod[];
const dir = mkdtempSync(join(tmpdir(), 'measure-steps-'));
const started = performance.now();
const table: StepCountTable = {
  format: STEP_COUNTS_FORMAT,
  measured: `simulated world (sim:task, sim:large, sim:teacher), no response cache, sizes ${SIZES.train}/${SIZES.val}/${SIZES.test}; scripts/measure-step-counts.ts`,
  pipelines: {},
};
try {
  for (const name of names) {
    const entry: MeasuredPipeline = {
      shape: { prompts: pipelines[name].trainable.length, demoSlots: pipelines[name].demosSlot ? 1 : 0 },
      eval: { callsPerExample: {}, tokensPerCall: {} },
      methods: {},
    };
    for (const method of methodNames) {
      const tunes = methods.get(method as MethodBase).tunes;
      if (!tunes.includes('prompt') && !pipelines[name].demosSlot) continue;
      const t0 = performance.now();
      const { measured, init } = await measure(name, method, dir);
      entry.methods[method] = measured;
      if (Object.keys(entry.eval.callsPerExample).length === 0)
        entry.eval = perExample(init, SIZES.val + SIZES.test);
      process.stderr.write(`${name} ${method}: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    }
    table.pipelines[name] = entry;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
table.seconds = Math.round((performance.now() - started) / 1000);
writeFileSync(STEP_COUNTS_FILE, `${JSON.stringify(table, null, 2)}\n`);
process.stderr.write(`wrote ${STEP_COUNTS_FILE} in ${table.seconds} s\n`);
