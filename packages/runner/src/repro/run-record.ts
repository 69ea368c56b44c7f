/**
 * The saved-run contract, stated by this file's schemas (there is no separate document):
 * `results/<experiment>/runs/<pipeline>__<method>__r<repeat>/` holds run.json (a RunRecord), steps.jsonl
 * (one step record per line) and optional graphs/step-NN.json.
 * `autodiff repro` writes these; `table`, `report` and `compare` read them and nothing else.
 * Readers validate with zod and fail with one line naming the file and the field.
 */

import { access, readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ErrorKind } from '@llm-autodiff/llm';
import { gateCountsSchema, roleSpentSchema } from '@llm-autodiff/trainer';
import { z } from 'zod';

export const RUN_RECORD_FORMAT = 'llm-autodiff/run@1';

const count = z.number().int().nonnegative();
const score = z.number().finite();

const callsAndTokens = z.object({ calls: count, tokens: count });

export const roleUsageSchema = z.object({
  calls: count,
  cacheHits: count,
  promptTokens: count,
  completionTokens: count,
  totalTokens: count,
  /** Tokens the cache hits would have cost (llm's UsageSummary.cacheHitTokens); compare counts them. */
  cacheHitTokens: count.optional(),
  retries: count.optional(),
  failed: count.optional(),
  latencyMs: z.number().nonnegative(),
  /** Of `calls`, those answered on this machine by a rule model (zero tokens); absent when none. */
  localCalls: count.optional(),
  /**
   * The run's cost three ways (costs/run-cost.ts): requested = billed + cached, as if nothing were cached;
   * billed = calls that reached a model (= calls, totalTokens); cached = served by the response cache.
   * Absent in records written before they existed (readers derive them from the counters above).
   */
  requested: callsAndTokens.optional(),
  billed: callsAndTokens.optional(),
  cached: callsAndTokens.optional(),
});

/** The trainer's schema: a run's gate counts are the trainer's, summed over its steps. */
export { gateCountsSchema };

const sampleScores = z.record(z.string(), score);

export const runRecordSchema = z.object({
  format: z.literal(RUN_RECORD_FORMAT),
  experiment: z.string().min(1),
  runId: z.string().min(1),
  pipeline: z.string().min(1),
  method: z.string().min(1),
  repeat: count,
  seed: z.number().int(),
  simulated: z.boolean(),
  /** World seed of the `sim:` models: `deriveSimSeed(seed, repeat)` (simulated runs only). */
  simSeed: z.number().int().optional(),
  status: z.enum(['done', 'partial', 'failed']),
  stopReason: z.string().optional(),
  models: z.record(z.string(), z.string()),
  /**
   * Who taught the run's demos: a model spec, "student" (the DSPy-style methods bootstrap from the
   * student unless a teacher is named) or "none" (the method uses no teacher). Older runs have none.
   */
  teacher: z.string().optional(),
  /**
   * The settings the run was resolved with: its pipeline's reference preset (`adalflow:<pipeline>`, or
   * `default` for a custom program) under the experiment's layers, as `autodiff train` records it. Runs
   * saved before repro used the presets have none.
   */
  preset: z
    .object({
      name: z.string().min(1),
      source: z.string(),
      /** Dot paths whose value differs from the preset's. */
      overridden: z.array(z.string()),
      settings: z.record(z.string(), z.unknown()),
    })
    .optional(),
  config: z.record(z.string(), z.unknown()),
  /**
   * The equal-budget level this run was held to (experiment `budgets: [...]`): every method stops when its
   * requested cost (cache hits included) reaches `amount` `unit`. `usedUp`: the run stopped at the budget
   * (false: the method finished before spending it). Runs of experiments without levels have none.
   */
  budgetLevel: z
    .object({
      label: z.string().min(1),
      unit: z.enum(['tokens', 'calls', 'usd']),
      amount: z.number().positive(),
      usedUp: z.boolean(),
    })
    .optional(),
  initial: z.object({ val: score, test: score }),
  final: z.object({ val: score, test: score.optional() }),
  /** Per test example (sample id -> score in [0,1]) for the final values; bootstrap CIs use these. */
  testScores: sampleScores.optional(),
  initialTestScores: sampleScores.optional(),
  values: z.object({
    initial: z.record(z.string(), z.unknown()),
    final: z.record(z.string(), z.unknown()),
  }),
  /** Calls and tokens per role as an uninterrupted run would have them (its step records). */
  usage: z.record(z.string(), roleUsageSchema),
  /**
   * Everything billed per role across every process of the run (the spend journal): redone work and
   * calls in flight at a kill included. Absent in records written before the journal.
   */
  spent: z.record(z.string(), roleSpentSchema).optional(),
  /** The steps' gate counts added up; only a method whose proposals pass gates (GDPO, GEPA) has them. */
  gates: gateCountsSchema.optional(),
  steps: count,
  wallMs: z.number().nonnegative(),
  startedAt: z.string(),
  versions: z.record(z.string(), z.string()),
});

export type RunRecord = z.infer<typeof runRecordSchema>;
export type RunRoleUsage = z.infer<typeof roleUsageSchema>;
export type RunGateCounts = z.infer<typeof gateCountsSchema>;

/**
 * One line of steps.jsonl. Loose on purpose: methods differ in phases and extras (`details`), so only the
 * fields the readers use are checked; the rest passes through.
 */
export const savedStepSchema = z
  .object({
    step: count,
    phase: z.string(),
    batch: z.array(z.string()).optional(),
    /** Proposals the step tried (every method); older records have only `gates.tried`. */
    tried: count.optional(),
    /** The method's own one-line summary of the step. */
    summary: z.string().optional(),
    /** Only in records written before gate counts moved to `details.gates`. */
    gates: gateCountsSchema.optional(),
    details: z.record(z.string(), z.unknown()).optional(),
    attempts: z
      .array(
        z
          .object({
            miniBatchScore: score.optional(),
            valScore: score.optional(),
            valComplete: z.boolean().optional(),
            accepted: z.boolean(),
            values: z.record(z.string(), z.unknown()),
          })
          .passthrough(),
      )
      .optional(),
    accepted: z.boolean().optional(),
    valScore: score,
    testScore: score.optional(),
    usage: z
      .record(
        z.string(),
        z.object({ calls: count, promptTokens: count, completionTokens: count }).passthrough(),
      )
      .optional(),
    wallMs: z.number().nonnegative().optional(),
  })
  .passthrough();

export type SavedStep = z.infer<typeof savedStepSchema>;

/** A backward graph as exported by core's `exportGraph` (graphs/step-NN.json); only what reports show. */
export const savedGraphSchema = z.object({
  nodes: z.array(
    z
      .object({
        id: z.string(),
        name: z.string(),
        kind: z.string(),
        description: z.string(),
        trainable: z.boolean(),
        value: z.string(),
        gradients: z.array(
          z
            .object({
              from: z.string(),
              callIndex: z.number(),
              score: z.number().optional(),
              feedback: z.string(),
              isCopy: z.boolean(),
            })
            .passthrough(),
        ),
      })
      .passthrough(),
  ),
  edges: z.array(z.object({ from: z.string(), to: z.string() })),
});

export type SavedGraph = z.infer<typeof savedGraphSchema>;

/** experiment.json: the resolved experiment (its shape belongs to `repro`); readers need only these. */
export const savedExperimentSchema = z.object({ simulated: z.boolean() }).passthrough();

export interface SavedRun {
  dir: string;
  record: RunRecord;
  steps: SavedStep[];
  /** Backward graphs by step number (only when read with `{ graphs: true }` and present). */
  graphs: Array<{
    step: number;
    graph: SavedGraph;
    mermaid?: string;
    dot?: string;
    /** The graph as a picture (report/graph-svg.ts renders it from `dot` for the report; never saved). */
    svg?: string;
  }>;
}

export interface SavedExperiment {
  root: string;
  /** Directory name of the experiment (= its name). */
  name: string;
  simulated: boolean;
  experiment: Record<string, unknown>;
  /** Sorted by pipeline, method, repeat (stable: code-point order of names). */
  runs: SavedRun[];
}

/** A saved-run file is missing or malformed; the message is one line naming the file. */
export class RunRecordError extends Error {
  readonly errorKind: ErrorKind = 'input';
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'RunRecordError';
  }
}

/** `<pipeline>__<method>__r<repeat>`, with `@<level>` after the method at an equal-budget level. */
export function runId(pipeline: string, method: string, repeat: number, budgetLabel?: string): string {
  return `${pipeline}__${method}${budgetLabel === undefined ? '' : `@${budgetLabel}`}__r${repeat}`;
}

export function parseRunId(
  id: string,
): { pipeline: string; method: string; repeat: number; budget?: string } | undefined {
  const m = /^(.+)__([^@]+)(?:@(.+))?__r(\d+)$/.exec(id);
  if (!m) return undefined;
  const parsed = { pipeline: m[1] as string, method: m[2] as string, repeat: Number(m[4]) };
  return m[3] === undefined ? parsed : { ...parsed, budget: m[3] };
}

function zodDetail(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.length ? issue.path.join('.') : '(root)';
  const more = error.issues.length > 1 ? ` (+${error.issues.length - 1} more)` : '';
  return `${path}: ${issue.message}${more}`;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new RunRecordError(file, code === 'ENOENT' ? 'missing' : `unreadable (${code ?? String(e)})`);
  }
}

function parseJson(file: string, text: string, line?: number): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const where = line === undefined ? '' : `line ${line}: `;
    throw new RunRecordError(file, `${where}not valid JSON (${(e as Error).message})`);
  }
}

function validate<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  file: string,
  data: unknown,
  line?: number,
): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new RunRecordError(file, `${line === undefined ? '' : `line ${line}: `}${zodDetail(parsed.error)}`);
}

/** Validates a RunRecord held in memory (the writer checks before saving). */
export function parseRunRecord(data: unknown, file = 'run.json'): RunRecord {
  return validate(runRecordSchema, file, data);
}

/** Parses steps.jsonl text; blank lines are skipped, each other line must be a valid step. */
export function parseSteps(text: string, file = 'steps.jsonl'): SavedStep[] {
  const steps: SavedStep[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]?.trim();
    if (!line) continue;
    steps.push(validate(savedStepSchema, file, parseJson(file, line, i + 1), i + 1));
  }
  return steps;
}

async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Every `step-NN.json` of a graph folder (as `train --graph DIR` and repro runs write it), with its DOT and Mermaid. */
export async function readGraphDir(graphDir: string): Promise<SavedRun['graphs']> {
  if (!(await pathExists(graphDir))) return [];
  const names = (await readdir(graphDir)).filter((n) => /^step-\d+\.json$/.test(n)).sort();
  const out: SavedRun['graphs'] = [];
  for (const name of names) {
    const file = join(graphDir, name);
    const graph = validate(savedGraphSchema, file, parseJson(file, await readText(file)));
    const base = file.slice(0, -'.json'.length);
    const optional = async (path: string) => ((await pathExists(path)) ? await readText(path) : undefined);
    out.push({
      step: Number(/\d+/.exec(name)?.[0]),
      graph,
      mermaid: await optional(`${base}.mmd`),
      dot: await optional(`${base}.dot`),
    });
  }
  return out.sort((a, b) => a.step - b.step);
}

/** Reads one run directory: run.json (required), steps.jsonl (required when the record counts steps). */
/** What to read besides run.json: `steps: false` skips steps.jsonl (compare needs run.json only). */
export interface ReadOptions {
  graphs?: boolean;
  /** Default true. */
  steps?: boolean;
}

export async function readRun(dir: string, options: ReadOptions = {}): Promise<SavedRun> {
  const runFile = join(dir, 'run.json');
  const record = parseRunRecord(parseJson(runFile, await readText(runFile)), runFile);
  const expected = runId(record.pipeline, record.method, record.repeat, record.budgetLevel?.label);
  if (record.runId !== expected)
    throw new RunRecordError(runFile, `runId "${record.runId}" should be "${expected}"`);
  const stepsFile = join(dir, 'steps.jsonl');
  if (options.steps === false) return { dir, record, steps: [], graphs: [] };
  const steps =
    (await pathExists(stepsFile)) || record.steps > 0 ? parseSteps(await readText(stepsFile), stepsFile) : [];
  if (steps.length < record.steps)
    throw new RunRecordError(stepsFile, `${steps.length} step record(s), run.json says ${record.steps}`);
  const graphs = options.graphs ? await readGraphDir(join(dir, 'graphs')) : [];
  return { dir, record, steps, graphs };
}

export function compareRuns(a: RunRecord, b: RunRecord): number {
  const key = (r: RunRecord) => [r.pipeline, r.method];
  const [ka, kb] = [key(a), key(b)];
  for (let i = 0; i < ka.length; i++) {
    const x = ka[i] as string;
    const y = kb[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.repeat - b.repeat;
}

/**
 * Reads `results/<experiment>/`: experiment.json and every `runs/<id>/` holding a run.json (a run dir
 * without run.json is still running or was interrupted before its end, and is skipped).
 */
export async function readExperiment(root: string, options: ReadOptions = {}): Promise<SavedExperiment> {
  const expFile = join(root, 'experiment.json');
  const experiment = validate(savedExperimentSchema, expFile, parseJson(expFile, await readText(expFile)));
  const runsDir = join(root, 'runs');
  const names = (await pathExists(runsDir)) ? (await readdir(runsDir)).sort() : [];
  const runs: SavedRun[] = [];
  for (const name of names) {
    const dir = join(runsDir, name);
    if (!(await pathExists(join(dir, 'run.json')))) continue;
    const run = await readRun(dir, options);
    if (run.record.runId !== name)
      throw new RunRecordError(
        join(dir, 'run.json'),
        `runId "${run.record.runId}" does not match its folder "${name}"`,
      );
    runs.push(run);
  }
  if (runs.length === 0) throw new RunRecordError(runsDir, 'no finished runs (no runs/*/run.json)');
  runs.sort((a, b) => compareRuns(a.record, b.record));
  return {
    root,
    name: basename(root),
    simulated: experiment.simulated || runs.some((r) => r.record.simulated),
    experiment,
    runs,
  };
}
