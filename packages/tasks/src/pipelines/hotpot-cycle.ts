import { retriever, type Traced } from '@llm-autodiff/core';
import type { HotpotExample } from '../data/hotpot';
import type { ScoredPassage } from '../retrieval/corpus';
import {
  answerGenerator,
  asQuery,
  type HotpotOptions,
  hotpotMetrics,
  hotpotRetrieverSearch,
  queryGenerator,
  showPassages,
} from './hotpot-common';
import { combineNode, MAX_HOPS, PASSAGES_PER_HOP } from './hotpot-multihop';
import type { Parsed } from './parse';
import { defineProgram, type TaskProgram } from './program';

/**
 * Multi-hop RAG as a cycle: ONE query generator called twice per sample, so its instruction receives
 * one gradient per call (same sample id, increasing call index: time-sequential gradients). The second
 * call reads the first call's query and passages as graph inputs; one retriever is called per hop.
 */
export function hotpotCyclePipeline(opts: HotpotOptions): TaskProgram<HotpotExample> {
  const gen = queryGenerator(
    opts.model,
    'hotpot_cycle.query',
    'Task description for the language model that writes the search query at each hop (it is called once per hop)',
    opts.instructions?.query,
    opts.demos,
  );
  const retrieve = retriever<ScoredPassage>(hotpotRetrieverSearch(opts.retriever), {
    k: PASSAGES_PER_HOP,
    name: 'hotpot_cycle.retriever',
  });
  const combine = combineNode('hotpot_cycle.combine');
  const answer = answerGenerator(opts.model, 'hotpot_cycle', opts.instructions?.answer, opts.demos);
  return defineProgram<HotpotExample, Parsed<string>, string | undefined>({
    name: 'hotpot-cycle',
    parameters: [...gen.parameters, ...answer.parameters],
    forward: async (e) => {
      const hops: Traced<ScoredPassage[]>[] = [];
      let previousQuery: Traced<Parsed<string>> | undefined;
      let context: Traced<ScoredPassage[]> = [];
      for (let hop = 0; hop < MAX_HOPS; hop++) {
        const q: Traced<Parsed<string>> = await gen.call({
          question: e.question,
          context,
          previousQuery: previousQuery === undefined ? '' : asQuery(previousQuery, gen.call, ''),
        });
        context = showPassages(await retrieve(asQuery(q, retrieve, e.question)));
        hops.push(context);
        previousQuery = q;
      }
      const combined = showPassages(await combine(hops[0]!, hops[1]!));
      return answer.call({ question: e.question, context: combined });
    },
    text: (out) => out.raw,
    error: (out) => out.error,
    ...hotpotMetrics<Parsed<string>>((out) => out.value),
  });
}
