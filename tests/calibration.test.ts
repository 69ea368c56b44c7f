/**
 * Cross-package calibration (shared/design/SIM.md, "Calibration"): the tasks' REAL pipelines, run on the
 * in-process simulated model at its default seed with the project's real BM25, on the validation
 * splits. For every pipeline:
 * - the starting prompts land in the paper's starting regime;
 * - a hand-written prompt that expresses the hidden cues in plain words scores clearly higher (what a
 *   good optimizer can reach: the 12-step GDPO gains of benchmarks/gdpo-sim.ts are of the same size);
 * - no prompt reaches 100%.
 * The sim's own calibration test (packages/sim) uses stand-in retrieval; this one catches drift between
 * the sim and the pipelines, prompts and retrieval that users actually run.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createSimModel } from '@llm-autodiff/sim';
import {
  createPipeline,
  loadBm25,
  loadTask,
  type PipelineName,
  prompts,
  resolveDataDir,
  type TaskName,
  taskOf,
} from '@llm-autodiff/tasks';
import { beforeAll, describe, expect, it } from 'vitest';

const DATA_DIR = resolveDataDir();
const REQUIRED = ['bbh_object_counting', 'trec', 'hotpot_qa/offline_splits.json', 'hotpot_qa/corpus.jsonl'];
const HAS_DATA = DATA_DIR !== undefined && REQUIRED.every((f) => existsSync(join(DATA_DIR, f)));
const SKIP_MESSAGE = HAS_DATA
  ? 'datasets found'
  : `skipped: the offline datasets (${REQUIRED.join(', ')}) are not in ${DATA_DIR ?? 'AUTODIFF_DATA_DIR or ../shared/datasets'}`;

/** Starting ranges of SIM.md. */
const RANGE = {
  objectCount: [0.75, 0.85],
  trec: [0.75, 0.8],
  // Multi-hop and cycle start from the same answer instruction as vanilla RAG, and their starting query
  // generators repeat the question, so their context is BM25 top 2 (+ a duplicate hop) instead of top 3:
  // the vanilla range applies to them too (measured 0.38 against vanilla's 0.42).
  vanilla: [0.35, 0.45],
  agent: [0.15, 0.2],
} as const;

const SHORT_ANSWER =
  'Give a short answer: copy the exact span from the context, with no extra words. If the question can be answered with yes or no, answer with just "yes" or "no". For comparison questions, find the fact about each entity and compare both before choosing. Some questions need two hops: find the intermediate (bridge) entity, then answer the question about it, not the intermediate entity itself.';
const ANSWER = `Answer the question using the retrieved passages in the context. ${SHORT_ANSWER}`;
const SECOND_QUERY =
  'You will receive a question and, when there was a previous search, the previous query and the passages it retrieved. If there are passages, read them, find the bridge entity they mention that the question needs next, and name that entity in the query. Otherwise search for the question.';

interface Case {
  pipeline: PipelineName;
  range: readonly [number, number];
  /** Instructions that express the cues (keys of the registry's `instructions`). */
  cued: Record<string, string>;
}

const CASES: Case[] = [
  {
    pipeline: 'object-count',
    range: RANGE.objectCount,
    cued: {
      system_prompt: `You will answer a reasoning question. List the items one by one and keep a running total. Only count the items that belong to the asked category and ignore the others. Read number words as quantities: multiply each item by its quantity. ${prompts.OBJECT_COUNT_INSTRUCTION}`,
    },
  },
  {
    pipeline: 'trec',
    range: RANGE.trec,
    cued: {
      instruction: [
        prompts.TREC_INSTRUCTION,
        'Questions that ask for a definition or the meaning of a term ("What is X?") are DESC.',
        'Questions asking for the name of a thing, substance or term are ENTY.',
        'Dates, years and durations are NUM.',
        'Questions whose answer is a place (a country, city, state, river or mountain) are LOC.',
        'Groups and organizations of people (teams, companies) are HUM.',
        'Questions asking what an abbreviation stands for are ABBR.',
      ].join('\n'),
    },
  },
  { pipeline: 'hotpot-vanilla', range: RANGE.vanilla, cued: { answer: ANSWER } },
  {
    pipeline: 'hotpot-multihop',
    range: RANGE.vanilla,
    cued: { query_1: SECOND_QUERY, answer: ANSWER },
  },
  { pipeline: 'hotpot-cycle', range: RANGE.vanilla, cued: { query: SECOND_QUERY, answer: ANSWER } },
  {
    pipeline: 'hotpot-agent',
    range: RANGE.agent,
    cued: {
      planner: `${prompts.REACT_INSTRUCTION}\nSearch each entity separately, one entity per search, and use the entity found in earlier results for the next search. If the question can be answered with yes or no, finish with just "yes" or "no". For comparison questions, check both entities before finishing.`,
      finish: 'Finish with a short answer: only the exact span, no extra words.',
    },
  },
];

/**
 * Gain of the cued prompt over the start: at least 8 points, and at most 22 (SIM.md asks for 10–20
 * within 12 steps; when the cues were worth 27–55 points on multi-hop and agentic RAG, 12-step GDPO
 * gained just as much, far beyond the paper's regime). Measured at seed 0: 14–18 points everywhere.
 */
const MIN_GAIN = 0.08;
const MAX_GAIN = 0.22;

describe.skipIf(!HAS_DATA)(
  `calibration of the simulated world with the real pipelines (${SKIP_MESSAGE})`,
  () => {
    const model = createSimModel('task');
    let retriever: Awaited<ReturnType<typeof loadBm25>>['index'];
    const val = new Map<TaskName, unknown[]>();

    beforeAll(async () => {
      retriever = (await loadBm25({ dataDir: DATA_DIR })).index;
      for (const t of ['object-count', 'trec', 'hotpot'] as const)
        val.set(t, (await loadTask(t, { dataDir: DATA_DIR })).val);
    });

    /** Eval-mode score of one pipeline on the whole val split, every example in flight at once. */
    async function score(name: PipelineName, instructions?: Record<string, string>): Promise<number> {
      const program = createPipeline(name, { model, retriever, instructions });
      const examples = val.get(taskOf(name)) as Parameters<typeof program.predict>[0][];
      const scores = await Promise.all(
        examples.map(async (e) => program.evalScore(e, await program.predict(e))),
      );
      return scores.reduce((a, b) => a + b, 0) / scores.length;
    }

    it.each(CASES)('$pipeline: start in range, cues help by 8–22 points, nothing perfect', async (c) => {
      const [start, cued] = await Promise.all([score(c.pipeline), score(c.pipeline, c.cued)]);
      const [lo, hi] = c.range;
      expect(start, `${c.pipeline} start`).toBeGreaterThanOrEqual(lo);
      expect(start, `${c.pipeline} start`).toBeLessThanOrEqual(hi);
      const gap = `${c.pipeline}: cued ${cued} vs start ${start}`;
      expect(cued - start, gap).toBeGreaterThanOrEqual(MIN_GAIN);
      expect(cued - start, gap).toBeLessThanOrEqual(MAX_GAIN);
      expect(cued, `${c.pipeline} cued`).toBeLessThan(1);
    });
  },
);
