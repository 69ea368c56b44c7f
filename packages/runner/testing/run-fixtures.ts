/**
 * Synthetic saved runs for tests of the readers (table, report, compare): deterministic from a seed.
 * run.json is checked by the run-record schema before writing; the step lines carry only the fields the
 * readers use (savedStepSchema), not every field of the trainer's step records.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addGates, emptyGates, Rng } from '@llm-autodiff/trainer';
import {
  parseRunRecord,
  RUN_RECORD_FORMAT,
  type RunRecord,
  type RunRoleUsage,
  runId,
  type SavedGraph,
  type SavedStep,
} from '../src/repro/run-record';

export interface SyntheticRunOptions {
  experiment?: string;
  pipeline: string;
  method: string;
  repeat: number;
  /** Seeds every number of the run (with the run's identity). */
  seed?: number;
  /** Probability that a test example is right after training (default 0.6 + 0.1·[method ≠ start]). */
  accuracy?: number;
  testSize?: number;
  steps?: number;
  simulated?: boolean;
  /** Multiplies every role's calls and tokens (to inject a cost regression). */
  costFactor?: number;
  /** Every call served by the response cache (a rerun from a warm cache). */
  fromCache?: boolean;
  status?: RunRecord['status'];
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

const round4 = (x: number) => Math.round(x * 10000) / 10000;

function scores(rng: Rng, size: number, p: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < size; i++) out[`t${String(i).padStart(3, '0')}`] = rng.next() < p ? 1 : 0;
  return out;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

const PROMPT_WORDS = [
  'Think',
  'step',
  'by',
  'step',
  'and',
  'count',
  'each',
  'item',
  'carefully',
  'before',
  'answering',
];

/** One synthetic run: its record and step lines (and one backward graph when it has steps). */
export function syntheticRun(o: SyntheticRunOptions): {
  record: RunRecord;
  steps: SavedStep[];
  graphs: SavedGraph[];
} {
  const id = runId(o.pipeline, o.method, o.repeat);
  const rng = new Rng((hash(id) ^ (o.seed ?? 0)) >>> 0);
  const testSize = o.testSize ?? 40;
  const trains = o.method !== 'start';
  const stepCount = trains ? (o.steps ?? 3) : 0;
  const p = o.accuracy ?? (trains ? 0.7 : 0.6);
  const initialTestScores = scores(rng, testSize, 0.6);
  const testScores = trains ? scores(rng, testSize, p) : initialTestScores;
  const initialVal = round4(0.5 + rng.next() * 0.1);
  const cost = o.costFactor ?? 1;
  const status = o.status ?? 'done';
  const initialTest = round4(mean(Object.values(initialTestScores)));
  const finalTest = status === 'done' ? round4(mean(Object.values(testScores))) : undefined;
  // Like gdpo's trainer: an evaluation-only record at step 0 and after the last step (the final test);
  // training steps carry no test score.
  const evalRecord = (
    step: number,
    phase: string,
    valScore: number,
    testScore: number | undefined,
  ): SavedStep => ({
    step,
    phase,
    batch: [],
    gates: emptyGates(),
    attempts: [],
    accepted: false,
    valScore,
    ...(testScore === undefined ? {} : { testScore }),
    usage: {},
    wallMs: 10,
  });
  const steps: SavedStep[] = trains ? [evalRecord(0, 'init', initialVal, initialTest)] : [];
  let val = initialVal;
  const promptAt = (k: number) => PROMPT_WORDS.slice(0, 4 + k).join(' ');
  for (let s = 1; s <= stepCount; s++) {
    const accepted = rng.next() < 0.6;
    if (accepted) val = round4(Math.min(1, val + 0.02 + rng.next() * 0.03));
    const gates = {
      tried: 2,
      unchanged: 0,
      parseFailures: 0,
      miniBatchPassed: accepted ? 2 : 1,
      miniBatchFailed: accepted ? 0 : 1,
      validationPassed: accepted ? 1 : 0,
      validationFailed: 1,
    };
    steps.push({
      step: s,
      phase: 'text',
      batch: [`b${s}a`, `b${s}b`],
      gates,
      attempts: [{ accepted, valScore: val, values: { system_prompt: promptAt(s) } }],
      accepted,
      valScore: val,
      usage: {
        task: {
          calls: Math.round(30 * cost),
          promptTokens: Math.round(3000 * cost),
          completionTokens: Math.round(600 * cost),
        },
        backward: {
          calls: Math.round(4 * cost),
          promptTokens: Math.round(2000 * cost),
          completionTokens: Math.round(400 * cost),
        },
        optimizer: {
          calls: Math.round(2 * cost),
          promptTokens: Math.round(1500 * cost),
          completionTokens: Math.round(200 * cost),
        },
      },
      wallMs: 1000 + s,
    });
  }
  if (trains) steps.push(evalRecord(stepCount + 1, 'final', val, finalTest));
  const roleUsage = (calls: number, prompt: number, completion: number): RunRoleUsage => {
    const real = {
      calls: Math.round(calls * cost),
      promptTokens: Math.round(prompt * cost),
      completionTokens: Math.round(completion * cost),
    };
    const tokens = real.promptTokens + real.completionTokens;
    return o.fromCache
      ? {
          calls: 0,
          cacheHits: real.calls,
          promptTokens: 0,
          completionTokens: 0,
          totalTokens: 0,
          cacheHitTokens: tokens,
          latencyMs: 0,
        }
      : { ...real, cacheHits: 0, totalTokens: tokens, latencyMs: 10 * calls };
  };
  const usage: RunRecord['usage'] = {
    task: roleUsage(100 + 30 * stepCount, 10000 + 3000 * stepCount, 2000 + 600 * stepCount),
  };
  if (trains) {
    usage.backward = roleUsage(4 * stepCount, 2000 * stepCount, 400 * stepCount);
    usage.optimizer = roleUsage(2 * stepCount, 1500 * stepCount, 200 * stepCount);
  }
  const gates = steps.reduce((sum, s) => (s.gates ? addGates(sum, s.gates) : sum), emptyGates());
  const lastAccepted = [...steps].reverse().find((s) => s.accepted)?.step ?? 0;
  const record: RunRecord = {
    format: RUN_RECORD_FORMAT,
    experiment: o.experiment ?? 'synthetic',
    runId: id,
    pipeline: o.pipeline,
    method: o.method,
    repeat: o.repeat,
    seed: 2025 + o.repeat,
    simulated: o.simulated ?? true,
    status,
    ...(status === 'done' ? {} : { stopReason: 'budget: total.calls reached' }),
    models: { task: 'sim:task', backward: 'sim:large', optimizer: 'sim:large', teacher: 'sim:teacher' },
    config: { steps: stepCount, batchSize: 2 },
    initial: { val: initialVal, test: initialTest },
    final: { val, ...(finalTest === undefined ? {} : { test: finalTest }) },
    ...(status === 'done' ? { testScores } : {}),
    initialTestScores,
    values: { initial: { system_prompt: promptAt(0) }, final: { system_prompt: promptAt(lastAccepted) } },
    usage,
    gates,
    steps: steps.length,
    wallMs: 500 + 1000 * stepCount,
    startedAt: '2026-01-01T00:00:00.000Z',
    versions: { '@llm-autodiff/runner': '0.1.0' },
  };
  const graphs: SavedGraph[] = stepCount
    ? [
        {
          nodes: [
            {
              id: 'p0',
              name: 'system_prompt',
              kind: 'prompt',
              description: 'instruction',
              trainable: true,
              value: promptAt(0),
              gradients: [
                { from: 'o1', callIndex: 0, score: 0, feedback: 'Say to <count> each item.', isCopy: false },
              ],
            },
            {
              id: 'o1',
              name: 'answer',
              kind: 'output',
              description: 'output',
              trainable: false,
              value: '7',
              gradients: [],
            },
          ],
          edges: [{ from: 'p0', to: 'o1' }],
        },
      ]
    : [];
  return { record: parseRunRecord(record), steps, graphs };
}

async function writeRun(runsDir: string, run: ReturnType<typeof syntheticRun>): Promise<string> {
  const dir = join(runsDir, run.record.runId);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'steps.jsonl'), run.steps.map((s) => `${JSON.stringify(s)}\n`).join(''));
  if (run.graphs.length) {
    await mkdir(join(dir, 'graphs'), { recursive: true });
    for (const [i, g] of run.graphs.entries()) {
      const base = join(dir, 'graphs', `step-${String(i + 1).padStart(2, '0')}`);
      await writeFile(`${base}.json`, JSON.stringify(g));
      await writeFile(`${base}.mmd`, 'flowchart LR\n  n0["system_prompt"] --> n1["answer"]\n');
    }
  }
  await writeFile(join(dir, 'run.json'), `${JSON.stringify(run.record, null, 2)}\n`);
  return dir;
}

export interface SyntheticExperimentOptions {
  name?: string;
  pipelines?: string[];
  methods?: string[];
  repeats?: number;
  simulated?: boolean;
  /** Per-run overrides (e.g. an injected regression), keyed by method. */
  override?: (run: { pipeline: string; method: string; repeat: number }) => Partial<SyntheticRunOptions>;
  seed?: number;
  testSize?: number;
}

/** Writes `root/experiment.json` and `root/runs/<id>/…` for every pipeline × method × repeat. */
export async function writeSyntheticExperiment(
  root: string,
  o: SyntheticExperimentOptions = {},
): Promise<string> {
  const pipelines = o.pipelines ?? ['object-count', 'trec'];
  const methods = o.methods ?? ['start', 'gdpo', 'textgrad'];
  const repeats = o.repeats ?? 2;
  const simulated = o.simulated ?? true;
  await mkdir(join(root, 'runs'), { recursive: true });
  await writeFile(
    join(root, 'experiment.json'),
    `${JSON.stringify({ name: o.name ?? 'synthetic', pipelines, methods, repeats, simulated }, null, 2)}\n`,
  );
  for (const pipeline of pipelines)
    for (const method of methods)
      for (let repeat = 0; repeat < repeats; repeat++) {
        const extra = o.override?.({ pipeline, method, repeat }) ?? {};
        await writeRun(
          join(root, 'runs'),
          syntheticRun({
            experiment: o.name ?? 'synthetic',
            pipeline,
            method,
            repeat,
            simulated,
            seed: o.seed,
            testSize: o.testSize,
            ...extra,
          }),
        );
      }
  return root;
}
