/**
 * Measures the simulated world's calibration with the tasks' real pipelines and BM25 (simulated model,
 * NOT research results): per pipeline and world seed, the validation accuracy of the starting prompts,
 * of the prompts that express every concept (headroom), and the standard deviation of validation
 * accuracy under content-free edits of the trainable prompts (evaluation noise).
 *
 *   npx tsx scripts/sim-calibration-report.ts [--repeats 3] [--pipelines a,b] [--world-seeds 0,1]
 *
 * World seeds: deriveSimSeed(2025, r) for r < repeats. Prints a markdown table.
 */
import type { Parameter } from '@llm-autodiff/core';
import { createSimModel, deriveSimSeed } from '@llm-autodiff/sim';
import { createPipeline, loadBm25, loadTask, type PipelineName, taskOf } from '@llm-autodiff/tasks';
import { type Stat, stat } from '../packages/runner/src/tables/summary';
import { CASES } from '../tests/support/calibration-cases';

const BASE_SEED = 2025;

/** Edits that change the wording's surface but say nothing new (what re-rolls borderline examples). */
const CONTENT_FREE_EDITS: ((text: string) => string)[] = [
  (t) => `${t}\n`,
  (t) => `${t} Thank you.`,
  (t) => `Instructions: ${t}`,
  (t) => t.replace(/\. /g, '.  '),
  (t) => `${t} Good luck.`,
  (t) => `Task: ${t}`,
  (t) => `${t}\n\n`,
  (t) => `Please read the following. ${t}`,
];

type Retriever = Awaited<ReturnType<typeof loadBm25>>['index'];

async function valScore(
  pipeline: PipelineName,
  seed: number,
  retriever: Retriever,
  val: unknown[],
  opts: { instructions?: Record<string, string>; edit?: (t: string) => string },
): Promise<number> {
  const model = createSimModel('task', { seed });
  const program = createPipeline(pipeline, { model, retriever, instructions: opts.instructions });
  if (opts.edit) {
    for (const p of program.parameters() as Parameter<unknown>[])
      if (p.trainable && typeof p.value === 'string') p.value = opts.edit(p.value);
  }
  const examples = val as Parameters<typeof program.predict>[0][];
  const scores = await Promise.all(examples.map(async (e) => program.evalScore(e, await program.predict(e))));
  return scores.reduce((a, b) => a + b, 0) / scores.length;
}

async function main(): Promise<void> {
  const flag = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const repeats = Number(flag('--repeats') ?? 3);
  const only = flag('--pipelines')?.split(',');
  // Explicit world seeds (e.g. 0, the default world of the calibration test) instead of derived ones.
  const worldSeeds = flag('--world-seeds')?.split(',').map(Number);
  if (!Number.isInteger(repeats) || repeats < 1 || only?.some((p) => !CASES.some((c) => c.pipeline === p))) {
    console.error(
      'usage: npx tsx scripts/sim-calibration-report.ts [--repeats N] [--pipelines a,b] [--world-seeds 0,1]',
    );
    process.exit(2);
  }
  const retriever = (await loadBm25()).index;
  const lines = [
    `**Simulated model — not research results.** Validation accuracy with the real pipelines and BM25; world seeds ${worldSeeds ? worldSeeds.join(', ') : `\`deriveSimSeed(${BASE_SEED}, r)\`, r < ${repeats}`}; noise = std over the starting prompts and ${CONTENT_FREE_EDITS.length} content-free edits of them.`,
    '',
    '| pipeline | world seed | start | every concept | headroom (points) | noise std (points) |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of CASES.filter((x) => !only || only.includes(x.pipeline))) {
    const val = (await loadTask(taskOf(c.pipeline))).val as unknown[];
    const seeds = worldSeeds ?? Array.from({ length: repeats }, (_, r) => deriveSimSeed(BASE_SEED, r));
    for (const seed of seeds) {
      const start = await valScore(c.pipeline, seed, retriever, val, {});
      const cued = await valScore(c.pipeline, seed, retriever, val, { instructions: c.cued });
      const edited = [start];
      for (const edit of CONTENT_FREE_EDITS)
        edited.push(await valScore(c.pipeline, seed, retriever, val, { edit }));
      const row = `| ${c.pipeline} | ${seed} | ${start.toFixed(3)} | ${cued.toFixed(3)} | ${((cued - start) * 100).toFixed(1)} | ${((stat(edited) as Stat).std * 100).toFixed(1)} |`;
      console.error(row);
      lines.push(row);
    }
  }
  console.log(lines.join('\n'));
}

await main();
