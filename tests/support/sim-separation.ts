/**
 * The separation table of the simulated world (packages/sim/README.md; SIM.md "Meaning, information, and
 * every method alike"): every method and GDPO ablation × repeats on ObjectCount, TREC and multi-hop RAG,
 * with each row's paired difference against full GDPO and its bootstrap CI, and the paper's Table-3
 * direction beside the ablation rows. Printed, never asserted and never a tuning target: whatever the runs
 * show is what the table says. Simulated model, not research results.
 *
 * The runs go through `autodiff repro`'s machinery (planExperiment, runSweep): repeat r of every method
 * trains with seed `seed + r` in world `deriveSimSeed(seed, r)`, so repeat r of two methods meets the same
 * world and the difference is paired by repeat (and by test example: every run scores the same ids).
 */
import { bootstrapDiff, type RepeatSample } from '../../packages/runner/src/compare/bootstrap';
import type { ExperimentInput } from '../../packages/runner/src/experiment/schema';
import type { SavedExperiment } from '../../packages/runner/src/repro/run-record';

export const SEPARATION_PIPELINES = ['object-count', 'trec', 'hotpot-multihop'] as const;
export const SEPARATION_METHODS = [
  'start',
  'gdpo',
  'gdpo.noFeedbackText',
  'gdpo.noHistory',
  'gdpo.noPromptTechniques',
  'textgrad',
  'gepa',
  'bfsrs',
  'mipro',
] as const;

/**
 * The paper's Table 3 (`/work/shared/reference/paper-reported.json`, test, points against full GDPO):
 * "OPRO with data" is our noFeedbackText, "no prompt-engineering techniques" our noPromptTechniques.
 */
export const PAPER_TABLE3: Record<string, Record<string, number>> = {
  'gdpo.noFeedbackText': {
    'object-count': -1.0,
    trec: -2.4,
    'hotpot-vanilla': -2.5,
    'hotpot-multihop': -1.85,
  },
  'gdpo.noPromptTechniques': { 'object-count': -7.75, trec: -2.25 },
};

export interface SeparationSettings {
  repeats: number;
  pipelines: readonly string[];
  methods: readonly string[];
  /** First N examples of each split (undefined: the full split). */
  sizes: { train?: number; val?: number; test?: number };
  /** Shrinks every method's budget (quick settings); undefined: each pipeline's reference preset. */
  small: boolean;
}

/** Methods' budgets sized like GDPO's 4 steps (as `experiments/quick.yaml`), for `small`. */
const SMALL_CONFIG = { steps: 4, batchSize: 4, proposalsPerStep: 3 };
const SMALL_METHOD_CONFIG = {
  textgrad: { epochs: 1, stepsPerEpoch: 4 },
  bfsrs: { numCandidatePrograms: 4, maxLabeledDemos: 4 },
  gepa: { maxMetricCalls: 120 },
  mipro: { numCandidates: 4, numTrials: 6 },
};

export function separationExperiment(s: SeparationSettings, name = 'sim-separation'): ExperimentInput {
  return {
    name,
    description: 'separation table of the simulated world (packages/sim/README.md)',
    pipelines: [...s.pipelines],
    methods: [...s.methods],
    repeats: s.repeats,
    seed: 2025,
    sizes: s.sizes,
    ...(s.small ? { config: SMALL_CONFIG, methodConfig: SMALL_METHOD_CONFIG } : {}),
    concurrency: 2,
  };
}

export interface SeparationRow {
  pipeline: string;
  method: string;
  /** Final test accuracy per repeat, by repeat index (0..1). */
  tests: number[];
  mean: number;
  std: number;
  /** Paired difference of means against full GDPO and its 95% bootstrap CI (points of accuracy). */
  diff?: { mean: number; lo: number; hi: number };
  /** The paper's Table-3 difference for this ablation and pipeline (points), and how ours compares. */
  paper?: { delta: number; verdict: 'agree' | 'disagree' | 'within noise' };
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function sd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/**
 * A measured difference against the paper's: within noise when the CI holds 0, else agree when the signs
 * match. Stated as measured, whatever it is.
 */
export function paperVerdict(
  ours: { lo: number; hi: number; mean: number },
  paper: number,
): 'agree' | 'disagree' | 'within noise' {
  if (ours.lo <= 0 && ours.hi >= 0) return 'within noise';
  return Math.sign(ours.mean) === Math.sign(paper) ? 'agree' : 'disagree';
}

/** The rows, from saved runs only (done runs with a test score; repeats in index order). */
export function separationRows(exp: SavedExperiment): SeparationRow[] {
  type Run = { repeat: number; test: number; sample: RepeatSample };
  const cells = new Map<string, Run[]>();
  for (const { record } of exp.runs) {
    if (record.status !== 'done' || record.final.test === undefined) continue;
    const key = `${record.pipeline}\t${record.method}`;
    const sample: RepeatSample = new Map(Object.entries(record.testScores ?? { run: record.final.test }));
    cells.set(key, [...(cells.get(key) ?? []), { repeat: record.repeat, test: record.final.test, sample }]);
  }
  for (const runs of cells.values()) runs.sort((a, b) => a.repeat - b.repeat);
  const pipelines = [...new Set(exp.runs.map((r) => r.record.pipeline))];
  const methods = [...new Set(exp.runs.map((r) => r.record.method))];
  const order = (m: string) => {
    const i = (SEPARATION_METHODS as readonly string[]).indexOf(m);
    return i < 0 ? SEPARATION_METHODS.length : i;
  };
  methods.sort((a, b) => order(a) - order(b) || (a < b ? -1 : 1));
  pipelines.sort((a, b) => {
    const ia = (SEPARATION_PIPELINES as readonly string[]).indexOf(a);
    const ib = (SEPARATION_PIPELINES as readonly string[]).indexOf(b);
    return ia - ib || (a < b ? -1 : 1);
  });
  const rows: SeparationRow[] = [];
  for (const pipeline of pipelines) {
    const base = cells.get(`${pipeline}\tgdpo`);
    for (const method of methods) {
      const runs = cells.get(`${pipeline}\t${method}`);
      if (!runs) continue;
      const tests = runs.map((r) => r.test);
      const row: SeparationRow = { pipeline, method, tests, mean: mean(tests), std: sd(tests) };
      if (base && method !== 'gdpo') {
        // bootstrapDiff pairs repeats by index when both sides have as many (a failed run unpairs them).
        const ci = bootstrapDiff(
          base.map((r) => r.sample),
          runs.map((r) => r.sample),
          { iterations: 2000, seed: 2025 },
        );
        row.diff = {
          mean: 100 * (row.mean - mean(base.map((r) => r.test))),
          lo: 100 * ci.lo,
          hi: 100 * ci.hi,
        };
        const delta = PAPER_TABLE3[method]?.[pipeline];
        if (delta !== undefined) row.paper = { delta, verdict: paperVerdict(row.diff, delta) };
      }
      rows.push(row);
    }
  }
  return rows;
}

const pct = (x: number) => (100 * x).toFixed(1);
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;

export function separationMarkdown(rows: readonly SeparationRow[], note: string): string {
  const lines = [
    `**Simulated model — not research results.** Final test accuracy (%), mean ± std over repeats; Δ = paired difference of means against full GDPO (points) with its 95% bootstrap CI (resampling repeats, then test examples; seed 2025, 2000 draws); paper = Table 3's difference for that ablation (test), and whether ours agrees in direction, disagrees, or its CI holds 0 (within noise). ${note}`,
    '',
    '| pipeline | method | test (%) | repeats | Δ vs GDPO [95% CI] | paper Table 3 |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const diff = r.diff ? `${signed(r.diff.mean)} [${signed(r.diff.lo)}, ${signed(r.diff.hi)}]` : '—';
    const paper = r.paper ? `${signed(r.paper.delta)}: ${r.paper.verdict}` : '';
    lines.push(
      `| ${r.pipeline} | ${r.method} | ${pct(r.mean)} ± ${pct(r.std)} | ${r.tests.length} | ${diff} | ${paper} |`,
    );
  }
  return lines.join('\n');
}
