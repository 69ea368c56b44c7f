/**
 * Measures every method's model calls and tokens on the simulated world (no cache: every call counted)
 * and writes packages/runner/experiments/step-counts.json, which `autodiff repro --dry-run` scales to
 * estimate an experiment's calls, tokens and dollars (packages/runner/src/repro/estimate.ts).
 *
 * Each method runs once per pipeline at small settings (REFERENCE below); per training phase and role the
 * calls are stored next to the driver they scale with (the method's cost model: its factory's `costModel`).
 *
 *   npx tsx scripts/measure-step-counts.ts [--pipelines a,b] [--methods gdpo,textgrad]
 *
 * `--check <experiment> --results <dir>` measures nothing: it compares the estimate of a finished
 * experiment (run with `--cache off`, so every call is counted) with the calls its runs made (run.json).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PIPELINE_NAMES, type PipelineName, pipelines } from '@llm-autodiff/tasks';
import { type CostRole as Role, tunedKinds } from '@llm-autodiff/trainer';
import { loadExperiment } from '../packages/runner/src/experiment/load';
import { ExperimentSchema } from '../packages/runner/src/experiment/schema';
import { methods } from '../packages/runner/src/methods';
import { estimate } from '../packages/runner/src/repro/estimate';
import { splitSizes } from '../packages/runner/src/repro/execute';
import { planExperiment, type RunSpec } from '../packages/runner/src/repro/plan';
import { runOne } from '../packages/runner/src/repro/run-one';
import {
  type MeasuredMethod,
  type MeasuredPipeline,
  type MeasuredRole,
  readStepCounts,
  STEP_COUNTS_FILE,
  STEP_COUNTS_FORMAT,
  type StepCountTable,
  type TokensPerCall,
} from '../packages/runner/src/repro/step-counts';
import { sharedRunResources } from '../packages/runner/src/repro/sweep';

const SIZES = { train: 24, val: 20, test: 12 };
/** Repeats per method and pipeline (each its own simulated world): one run's luck is averaged out. */
const REPEATS = 3;

/**
 * Small settings per method, so all pipelines measure in minutes; the estimate scales from them. A method
 * not listed is measured at its own defaults.
 */
const REFERENCE: Record<string, Record<string, unknown>> = {
  gdpo: { steps: 3, batchSize: 4, proposalsPerStep: 3, demos: { steps: 1 } },
  textgrad: { epochs: 1, stepsPerEpoch: 3 },
  bootstrap: {},
  bfsrs: { numCandidatePrograms: 3 },
  mipro: { numCandidates: 6, numTrials: 8 },
  gepa: { maxMetricCalls: 120 },
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

/**
 * The runs of one method on one pipeline, planned as `autodiff repro` plans them (the pipeline's preset,
 * sampling options and parser included), with REFERENCE's small sizes as the method's config.
 */
function specsOf(pipeline: PipelineName, method: string, dir: string): RunSpec[] {
  const experiment = ExperimentSchema.parse({
    name: 'measure',
    pipelines: [pipeline],
    methods: [method],
    repeats: REPEATS,
    seed: 2025,
    sizes: SIZES,
    methodConfig: { [method]: REFERENCE[method] ?? {} },
  });
  return planExperiment(experiment, join(dir, pipeline, method)).runs;
}

/** As a sweep's runs share them (one run at a time here): 4 calls in flight per model, one BM25 index. */
const shared = sharedRunResources();

async function measure(
  pipeline: PipelineName,
  method: string,
  dir: string,
): Promise<{ measured: MeasuredMethod; init: StepUsage[] }> {
  const records: StepUsage[] = [];
  for (const spec of specsOf(pipeline, method, dir)) {
    const { steps } = await runOne(spec, {
      cache: undefined,
      ...shared,
      resume: false,
    });
    records.push(...(steps as StepUsage[]));
  }
  const init = records.filter((s) => s.phase === 'init');
  const final = records.filter((s) => s.phase === 'final');
  const training = records.filter((s) => s.phase !== 'init' && s.phase !== 'final');
  const factory = methods.get(method);
  const model = factory.costModel;
  const config = factory.resolveConfig(REFERENCE[method] ?? {});
  const shape = {
    ...SIZES,
    prompts: pipelines[pipeline].trainable.length,
    demoSlots: tunedKinds(factory, config).includes('demos') && pipelines[pipeline].demosSlot ? 1 : 0,
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
      roles[role] = { calls: t.calls, driver: driver * REPEATS, tokensPerCall: perCall(t) };
    }
    phases[phase] = roles;
  }
  // A call the drivers do not expect would be left out of every estimate: refuse to write such a table.
  for (const [phase, rs] of byPhase)
    for (const [role, t] of Object.entries(totals(rs)))
      if (t.calls > 0 && !(phases[phase] as Record<string, unknown> | undefined)?.[role])
        throw new Error(
          `${pipeline} ${method}: ${t.calls} ${role} calls in phase "${phase}" have no driver (its cost model)`,
        );
  return {
    measured: {
      reference: {
        config: REFERENCE[method] ?? {},
        sizes: SIZES,
        repeats: REPEATS,
        steps: training.length / REPEATS,
      },
      ...(shape.demoSlots > 0 && model.demosShown ? { demosShown: model.demosShown(config) } : {}),
      phases,
      final: perExample(final, SIZES.test * REPEATS),
    },
    init,
  };
}

function flagValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function listFlag(name: string, all: readonly string[]): string[] {
  return flagValue(name)?.split(',') ?? [...all];
}

/** Estimated against made calls of a finished experiment, per run and per method. */
async function check(file: string, results: string): Promise<void> {
  const plan = planExperiment(loadExperiment(file), results);
  const est = estimate(plan.runs, readStepCounts(), {}, await splitSizes(plan), (s) => s);
  const perMethod = new Map<string, { calls: number[]; tokens: number[]; ratios: number[] }>();
  const ratio = (e: number, a: number) => (e / Math.max(1, a)).toFixed(2);
  for (const r of est.runs) {
    const spec = plan.runs.find((s) => s.runId === r.runId) as RunSpec;
    const run = JSON.parse(readFileSync(join(spec.dir, 'run.json'), 'utf8')) as {
      usage: Record<
        string,
        { calls: number; cacheHits: number; totalTokens: number; cacheHitTokens: number }
      >;
    };
    const roles = [...new Set([...Object.keys(r.byRole), ...Object.keys(run.usage)])].sort();
    const pairs = roles.map((role) => {
      const e = r.byRole[role];
      const a = run.usage[role];
      return {
        role,
        calls: [e?.calls ?? 0, (a?.calls ?? 0) + (a?.cacheHits ?? 0)],
        tokens: [
          (e?.promptTokens ?? 0) + (e?.completionTokens ?? 0),
          (a?.totalTokens ?? 0) + (a?.cacheHitTokens ?? 0),
        ],
      };
    });
    const sum = (k: 'calls' | 'tokens', i: 0 | 1) => pairs.reduce((n, p) => n + (p[k][i] ?? 0), 0);
    const m = perMethod.get(r.method) ?? { calls: [0, 0], tokens: [0, 0], ratios: [] };
    const calls = [sum('calls', 0), sum('calls', 1)] as const;
    m.calls = [(m.calls[0] ?? 0) + calls[0], (m.calls[1] ?? 0) + calls[1]];
    m.tokens = [(m.tokens[0] ?? 0) + sum('tokens', 0), (m.tokens[1] ?? 0) + sum('tokens', 1)];
    m.ratios.push(calls[0] / Math.max(1, calls[1]));
    perMethod.set(r.method, m);
    const detail = pairs.map((p) => `${p.role} ${p.calls[0]}/${p.calls[1]}`).join(', ');
    console.log(
      `${r.runId.padEnd(34)} calls ${calls[0]}/${calls[1]} = ${ratio(calls[0], calls[1])} (${detail})`,
    );
  }
  console.log('method: estimated/actual calls (ratio; per-run range), tokens (ratio)');
  for (const [method, m] of perMethod) {
    const [ec = 0, ac = 0] = m.calls;
    const [et = 0, at = 0] = m.tokens;
    console.log(
      `  ${method.padEnd(10)} calls ${ec}/${ac} = ${ratio(ec, ac)} (${Math.min(...m.ratios).toFixed(2)}-${Math.max(...m.ratios).toFixed(2)}), tokens ${ratio(et, at)}`,
    );
  }
  for (const [why, ids] of Object.entries(est.notEstimated))
    console.log(`not estimated (${why}): ${ids.join(', ')}`);
}

async function measureAll(): Promise<void> {
  const names = listFlag('--pipelines', PIPELINE_NAMES) as PipelineName[];
  // Every registered method with training steps (one without steps only evaluates: `eval` covers it).
  const training = methods
    .list()
    .filter((m) => m.costModel.steps(m.resolveConfig(REFERENCE[m.name] ?? {})) > 0)
    .map((m) => m.name);
  const methodNames = listFlag('--methods', training);
  const dir = mkdtempSync(join(tmpdir(), 'measure-steps-'));
  const started = performance.now();
  const table: StepCountTable = {
    format: STEP_COUNTS_FORMAT,
    measured: `simulated world (sim:task, sim:large, sim:teacher), no response cache, sizes ${SIZES.train}/${SIZES.val}/${SIZES.test}, ${REPEATS} repeats per method; scripts/measure-step-counts.ts`,
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
        const tunes = methods.get(method).tunes;
        if (!tunes.includes('prompt') && !pipelines[name].demosSlot) continue;
        const t0 = performance.now();
        const { measured, init } = await measure(name, method, dir);
        entry.methods[method] = measured;
        if (Object.keys(entry.eval.callsPerExample).length === 0)
          entry.eval = perExample(init, (SIZES.val + SIZES.test) * REPEATS);
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
}

const checked = flagValue('--check');
if (checked) await check(checked, flagValue('--results') ?? 'results');
else await measureAll();
