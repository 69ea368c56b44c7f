import { fn, retriever, unwrap } from '@llm-autodiff/core';
import type { HotpotExample } from '../data/hotpot';
import type { ScoredPassage } from '../retrieval/corpus';
import {
  answerGenerator,
  asQuery,
  combinePassages,
  type HotpotOptions,
  hotpotMetrics,
  hotpotRetrieverSearch,
  queryGenerator,
  showPassages,
} from './hotpot-common';
import type { Parsed } from './parse';
import { defineProgram, type TaskProgram } from './program';

export const PASSAGES_PER_HOP = 2;
export const MAX_HOPS = 2;

export const COMBINE_DESCRIPTION =
  'concatenates the passages retrieved by both hops and removes duplicates, keeping the first occurrence';

/** The order-preserving dedup of the hops' passages, as a functional node (several trainable inputs). */
export function combineNode(name: string) {
  return fn<[ScoredPassage[], ScoredPassage[]], ScoredPassage[]>(name, (a, b) => combinePassages(a, b), {
    description: COMBINE_DESCRIPTION,
    outputDescription: 'passages of both hops, deduplicated, given to the answer generator as context',
  });
}

/**
 * Multi-hop RAG: two distinct query generators (each with its own trainable instruction), two
 * retrievals of 2 passages, an order-preserving dedup of both hops, then the answer generator.
 * As in the paper, the second generator reads the first query as plain text and the first hop's
 * passages as a graph input.
 */
export function hotpotMultihopPipeline(opts: HotpotOptions): TaskProgram<HotpotExample> {
  const gens = [0, 1].map((i) =>
    queryGenerator(
      opts.model,
      `hotpot_multihop.query_${i}`,
      `Task description for the language model that writes search query number ${i + 1} of ${MAX_HOPS}`,
      opts.instructions?.[`query_${i}`],
      opts.demos,
    ),
  );
  const retrievers = [0, 1].map((i) =>
    retriever<ScoredPassage>(hotpotRetrieverSearch(opts.retriever), {
      k: PASSAGES_PER_HOP,
      name: `hotpot_multihop.retriever_${i}`,
    }),
  );
  const combine = combineNode('hotpot_multihop.combine');
  const answer = answerGenerator(opts.model, 'hotpot_multihop', opts.instructions?.answer, opts.demos);
  return defineProgram<HotpotExample, Parsed<string>, string | undefined>({
    name: 'hotpot-multihop',
    parameters: [...gens[0]!.parameters, ...gens[1]!.parameters, ...answer.parameters],
    forward: async (e) => {
      const q0 = await gens[0]!.call({ question: e.question, context: [], previousQuery: '' });
      const docs0 = showPassages(await retrievers[0]!(asQuery(q0, retrievers[0]!, e.question)));
      const firstQuery = unwrap(q0).value ?? e.question;
      const q1 = await gens[1]!.call({ question: e.question, context: docs0, previousQuery: firstQuery });
      const docs1 = showPassages(await retrievers[1]!(asQuery(q1, retrievers[1]!, e.question)));
      const context = showPassages(await combine(docs0, docs1));
      return answer.call({ question: e.question, context });
    },
    text: (out) => out.raw,
    error: (out) => out.error,
    ...hotpotMetrics<Parsed<string>>((out) => out.value),
  });
}
