import { type ChatRequest, ScriptedModel } from '@llm-autodiff/llm';
import type { HotpotExample } from '../src/data/hotpot';
import { systemText, userText, wordRetriever } from './graph';

/** A three-passage world for HotPotQA pipeline tests. */
export const PASSAGES = [
  { title: 'Scott Derrickson', text: 'Scott Derrickson is an American director, screenwriter and producer.' },
  { title: 'Ed Wood', text: 'Edward Davis Wood Jr. was an American filmmaker, actor and author.' },
  { title: 'Woodson, Arkansas', text: 'Woodson is a census-designated place in Pulaski County.' },
];

export const EXAMPLE: HotpotExample = {
  id: '5a8b57f25542995d1e6f1371',
  question: 'Were Scott Derrickson and Ed Wood of the same nationality?',
  answer: 'yes',
  type: 'comparison',
  level: 'hard',
  goldTitles: ['Scott Derrickson', 'Ed Wood'],
};

export function world() {
  return wordRetriever(PASSAGES);
}

/**
 * A scripted task model that recognizes the kind of call from the requested JSON keys, like a reader
 * of the prompt would: query generators get `queries` in order, the answer generator gets `answer`.
 */
export function ragModel(opts: { queries: string[]; answer: string }): ScriptedModel {
  let q = 0;
  return ScriptedModel.fn((req: ChatRequest) => {
    const sys = systemText(req);
    if (sys.includes('"query"')) {
      const query = opts.queries[q++];
      if (query === undefined) throw new Error('more query calls than scripted');
      return `{"reasoning": "search the next entity", "query": ${JSON.stringify(query)}}`;
    }
    if (sys.includes('"answer"'))
      return `{"reasoning": "read the context", "answer": ${JSON.stringify(opts.answer)}}`;
    throw new Error(`unexpected request: ${userText(req).slice(0, 80)}`);
  });
}
