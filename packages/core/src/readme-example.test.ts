import { ScriptedModel } from '@llm-autodiff/llm';
import { expect, it } from 'vitest';
import { backwardFields, echoFeedback } from '../testing';
import { backward, fn, generator, loss, param, renderGradients, retriever, runSample, sum } from './index';

// The README example, run with scripted models (keep the two in sync).
it('the README example runs and gives the documented call counts', async () => {
  const taskModel = ScriptedModel.fn((req) => {
    const user = req.messages.at(-1)!.content;
    if (req.messages[0]!.content.startsWith('Write a search query'))
      return user.includes('\n') ? 'hop two' : 'hop one';
    return 'Paris';
  });
  const backwardModel = ScriptedModel.fn((req) => echoFeedback(req));
  const bm25 = (q: string, k: number) => [`doc for ${q}`, `more on ${q}`].slice(0, k);
  const f1 = (p: string | undefined, g: string) => (p === g ? 1 : 0);

  const queryInstr = param('Write a search query for the next hop.', {
    name: 'query.instruction',
    description: 'query-writer instruction',
  });
  const answerInstr = param('Answer with a short span from the context.', {
    name: 'answer.instruction',
    description: 'answer instruction',
  });
  const answerFormat = param('Reply with the answer only.', {
    name: 'answer.format',
    description: 'output format',
    trainable: false,
  });
  const writeQuery = generator({
    name: 'query',
    model: taskModel,
    system: [queryInstr],
    user: (x: { question: string; context?: string[] }) =>
      `${x.question}${x.context ? `\n${x.context.join('\n')}` : ''}`,
  });
  const search = retriever((q: string, k: number) => bm25(q, k), { k: 2, name: 'search' });
  const answer = generator({
    name: 'answer',
    model: taskModel,
    system: [answerInstr, answerFormat],
    user: (x: { question: string; context: string[] }) => `${x.question}\n\n${x.context.join('\n\n')}`,
  });
  const concat = fn('concat', (a: string[], b: string[]) => [...a, ...b]);
  async function multiHop(question: string) {
    const docs1 = await search(await writeQuery({ question }));
    const docs2 = await search(await writeQuery({ question, context: docs1 }));
    return answer({ question, context: await concat(docs1, docs2) });
  }

  const batch = [
    { id: 'q1', question: 'Q:capital of France?', answer: 'Paris' },
    { id: 'q2', question: 'Q:capital of Italy?', answer: 'Rome' },
  ];
  const losses = await Promise.all(
    batch.map((ex) =>
      runSample(ex.id, 'train', async () =>
        loss(await multiHop(ex.question), ex.answer, f1, { description: 'token F1' }),
      ),
    ),
  );
  const report = await backward(sum(losses), { engine: backwardModel });
  // q2 (wrong): loss 1, answer 2 (instruction, concat output), concat splits 2 (both retriever outputs are
  // trainable), retrievers pass through, query call 1: 2 (instruction and its context = the first retriever
  // output), query call 0: 1. q1 (right): its loss call, then the same 7 edges get the fixed gradient.
  // Copies per sample: hop-1 docs pass 2 gradients (from concat and from query call 1) to query call 0's
  // output, hop-2 docs pass 1 to query call 1's output.
  expect(report).toMatchObject({ calls: 1 + 2 + 2 + 2 + 1 + 1, skipped: 7, copies: 6, failures: 0 });
  expect(backwardModel.calls.every((c) => backwardFields(c).isBackward)).toBe(true);
  const rendered = renderGradients(queryInstr);
  expect(rendered.indexOf('<SAMPLE_ID>q2</SAMPLE_ID>')).toBeLessThan(
    rendered.indexOf('<SAMPLE_ID>q1</SAMPLE_ID>'),
  );
  expect(queryInstr.gradients.filter((g) => g.sampleId === 'q2').map((g) => g.callIndex)).toEqual([0, 1]);

  expect(await runSample('q1', 'eval', () => multiHop('Who?'))).toBe('Paris');
});
