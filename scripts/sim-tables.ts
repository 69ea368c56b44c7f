/**
 * Prints the simulated world's two tables (simulated model, NOT research results) and regenerates them
 * into packages/sim/README.md with the commit they came from:
 *   (a) sanity: per task, start / every concept / each concept alone / negated / keyword list / generic
 *       only, scored with `autodiff eval`'s runEval on the validation split; the expected ordering is
 *       checked (also in CI: tests/sim-sanity.test.ts) and a violation fails the script;
 *   (b) separation: every method and GDPO ablation × repeats on ObjectCount, TREC and multi-hop RAG with
 *       paired differences against GDPO and bootstrap CIs (tests/support/sim-separation.ts). Printed,
 *       never asserted.
 *
 *   npx tsx --conditions=autodiff-source scripts/sim-tables.ts [--tables sanity,separation] [--repeats 5]
 *     [--pipelines a,b] [--methods a,b] [--sizes train,val,test] [--small] [--results DIR] [--print]
 *
 * `--small` runs every method on quick budgets (GDPO 4 steps, ...) instead of each pipeline's reference
 * preset; `--sizes` takes the first N examples of each split. Runs are saved under `--results` (default:
 * a fresh temporary folder); re-running with the same folder resumes and reuses finished runs.
 * `--print` writes to stdout only; otherwise the README's tables are replaced whatever they show.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '@llm-autodiff/llm';
import { ExperimentSchema } from '../packages/runner/src/experiment/schema';
import { processIo } from '../packages/runner/src/io';
import { executeExperiment } from '../packages/runner/src/repro/execute';
import { readExperiment } from '../packages/runner/src/repro/run-record';
import { checkOrdering, SANITY_TASKS, sanityMarkdown, sanityRows } from '../tests/support/sim-sanity';
import {
  SEPARATION_METHODS,
  SEPARATION_PIPELINES,
  type SeparationSettings,
  separationExperiment,
  separationMarkdown,
  separationRows,
} from '../tests/support/sim-separation';

const README = resolve(import.meta.dirname, '../packages/sim/README.md');

function fail(message: string): never {
  process.stderr.write(`sim-tables: ${message}\n`);
  process.exit(2);
}

function list(value: string | undefined, known: readonly string[], flag: string): string[] | undefined {
  if (value === undefined) return undefined;
  const xs = value.split(',').filter(Boolean);
  for (const x of xs) if (!known.includes(x)) fail(`${flag}: "${x}" is not one of ${known.join(', ')}`);
  return xs;
}

function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(value)) fail(`${flag} must be a positive integer, got "${value}"`);
  return Number(value);
}

function commit(): string {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
  try {
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' with uncommitted changes' : ''}`;
  } catch {
    return 'unknown';
  }
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`. */
function replaceBetween(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) fail(`packages/sim/README.md has no ${start} … ${end} markers`);
  return `${text.slice(0, i + start.length)}\n${body}\n${text.slice(j)}`;
}

async function sanityTable(at: string): Promise<{ markdown: string; violations: string[] }> {
  const results = [];
  const violations: string[] = [];
  for (const task of SANITY_TASKS) {
    const rows = await sanityRows(task);
    results.push({ task, rows });
    for (const v of checkOrdering(rows)) violations.push(`${task.pipeline}: ${v}`);
  }
  const note = `world seed of \`autodiff train\` (2025, repeat 0); full validation splits; commit ${at}. Regenerate: \`npx tsx --conditions=autodiff-source scripts/sim-tables.ts --tables sanity\`.`;
  return { markdown: sanityMarkdown(results, note), violations };
}

async function separationTable(s: SeparationSettings, resultsRoot: string, at: string): Promise<string> {
  const experiment = ExperimentSchema.parse(separationExperiment(s));
  const { plan } = await executeExperiment(
    experiment,
    { resultsRoot, cache: 'off', models: {}, dryRun: false, maxCostUsd: 0, outputs: false },
    processIo,
  );
  const rows = separationRows(await readExperiment(plan.root));
  const sizes = Object.entries(s.sizes)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const budgets = s.small
    ? 'quick budgets (GDPO 4 steps × 3 proposals, TextGrad 4 steps, BFSRS 4 programs, GEPA 120 metric calls, MIPRO 4 candidates × 6 trials)'
    : "each pipeline's reference preset";
  const note = `${s.repeats} repeats (trainer seed 2025+r, world seed \`deriveSimSeed(2025, r)\`), ${budgets}, ${sizes ? `first ${sizes} examples` : 'full splits'}; sim:task with sim:large as backward engine, optimizer and teacher; commit ${at}.`;
  return separationMarkdown(rows, note);
}

async function main(): Promise<void> {
  const { values: a } = parseArgs({
    options: {
      tables: { type: 'string', default: 'sanity,separation' },
      repeats: { type: 'string' },
      pipelines: { type: 'string' },
      methods: { type: 'string' },
      sizes: { type: 'string' },
      small: { type: 'boolean', default: false },
      results: { type: 'string' },
      print: { type: 'boolean', default: false },
    },
  });
  const tables = list(a.tables, ['sanity', 'separation'], '--tables') ?? [];
  const sizeList = a.sizes?.split(',').map((x, i) => positive(x, `--sizes (${['train', 'val', 'test'][i]})`));
  if (sizeList && sizeList.length !== 3) fail('--sizes takes three numbers: train,val,test');
  const settings: SeparationSettings = {
    repeats: positive(a.repeats, '--repeats') ?? 5,
    pipelines: list(a.pipelines, SEPARATION_PIPELINES, '--pipelines') ?? [...SEPARATION_PIPELINES],
    methods: list(a.methods, SEPARATION_METHODS, '--methods') ?? [...SEPARATION_METHODS],
    sizes: sizeList ? { train: sizeList[0], val: sizeList[1], test: sizeList[2] } : {},
    small: a.small,
  };
  const at = commit();
  let readme = readFileSync(README, 'utf8');
  let violations: string[] = [];
  if (tables.includes('sanity')) {
    const sanity = await sanityTable(at);
    violations = sanity.violations;
    process.stdout.write(`${sanity.markdown}\n\n`);
    readme = replaceBetween(readme, 'sanity-table', sanity.markdown);
  }
  if (tables.includes('separation')) {
    const root = a.results ? resolve(a.results) : mkdtempSync(join(tmpdir(), 'sim-separation-'));
    const separation = await separationTable(settings, root, at);
    process.stdout.write(`${separation}\n`);
    readme = replaceBetween(readme, 'separation-table', separation);
  }
  if (!a.print) await writeFileAtomic(README, readme);
  for (const v of violations) process.stderr.write(`sanity ordering violated: ${v}\n`);
  if (violations.length > 0) process.exit(1);
}

main().catch((e) => fail(e instanceof Error ? e.message : String(e)));
