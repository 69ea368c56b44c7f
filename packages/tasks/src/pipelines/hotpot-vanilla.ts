import { retriever } from '@llm-autodiff/core';
import type { HotpotExample } from '../data/hotpot';
import type { ScoredPassage } from '../retrieval/corpus';
import {
  answerGenerator,
  type HotpotOptions,
  hotpotMetrics,
  hotpotRetrieverSearch,
  showPassages,
} from './hotpot-common';
import type { Parsed } from './parse';
import { defineProgram, type TaskProgram } from './program';

export const VANILLA_TOP_K = 3;

/** Vanilla RAG: retrieve the top 3 passages with the question, then answer (trainable answer instruction). */
export function hotpotVanillaPipeline(opts: HotpotOptions): TaskProgram<HotpotExample> {
  const answer = answerGenerator(opts.model, 'hotpot_vanilla', opts.instructions?.answer, opts.demos);
  const retrieve = retriever<ScoredPassage>(hotpotRetrieverSearch(opts.retriever), {
    k: VANILLA_TOP_K,
    name: 'hotpot_vanilla.retriever',
  });
  return defineProgram<HotpotExample, Parsed<string>, string | undefined>({
    name: 'hotpot-vanilla',
    parameters: answer.parameters,
    forward: async (e) => {
      const docs = showPassages(await retrieve(e.question));
      return answer.call({ question: e.question, context: docs });
    },
    text: (out) => out.raw,
    error: (out) => out.error,
    ...hotpotMetrics<Parsed<string>>((out) => out.value),
  });
}
