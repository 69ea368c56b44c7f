/**
 * Engine overhead: recording the graph (forward in train mode) and backward over N samples, with instant
 * scripted models (no latency), so what is measured is the engine itself plus the test double's token
 * counting. Run: `npx tsx benchmarks/core-backward.bench.ts`. Not part of the test suite.
 */
import { pathToFileURL } from 'node:url';
import {
  backward,
  fn,
  generator,
  loss,
  type Parameter,
  param,
  retriever,
  runSample,
  sum,
} from '@llm-autodiff/core';
import { ScriptedModel } from '@llm-autodiff/llm';
import { Bench } from 'tinybench';
import { type BenchScale, FULL } from './lib/figures';

/** Multi-hop shape: query generator called twice, retriever, concat, answer generator, loss. */
function pipeline() {
  const task = ScriptedModel.fn((req) =>
    req.messages[0]!.content.startsWith('Write') ? 'a query' : 'an answer',
  );
  const queryInstr = param('Write a search query for the next hop.', {
    name: 'query.instr',
    description: 'query instruction',
  });
  const answerInstr = param('Answer with a short span.', {
    name: 'answer.instr',
    description: 'answer instruction',
  });
  const query = generator({
    name: 'query',
    model: task,
    system: [queryInstr],
    user: (x: { q: string; context?: string[] }) => `${x.q}\n${(x.context ?? []).join('\n')}`,
  });
  const search = retriever(
    (q: string, k: number) => Array.from({ length: k }, (_, i) => `doc ${i} about ${q}`),
    { k: 2 },
  );
  const concat = fn('concat', (a: string[], b: string[]) => [...a, ...b]);
  const answer = generator({
    name: 'answer',
    model: task,
    system: [answerInstr],
    user: (x: { q: string; context: string[] }) => `${x.q}\n${x.context.join('\n')}`,
  });
  const forward = (n: number): Promise<Parameter<number>[]> =>
    Promise.all(
      Array.from({ length: n }, (_, i) =>
        runSample(`s${i}`, 'train', async () => {
          const q = `question ${i}`;
          const d1 = await search(await query({ q }));
          const d2 = await search(await query({ q, context: d1 }));
          // every fourth sample is right, so selective gradients skip some calls
          return loss(
            await answer({ q, context: await concat(d1, d2) }),
            i % 4 === 0 ? 'an answer' : 'gold',
            (p, g) => (p === g ? 1 : 0),
          );
        }),
      ),
    );
  return { forward, params: [queryInstr, answerInstr] };
}

export async function runCoreBackwardBench(scale: BenchScale = FULL): Promise<Bench> {
  const engine = ScriptedModel.fn(() => 'The instruction should ask for the exact entity.');
  const bench = new Bench({
    name: 'core: graph build + backward',
    time: scale.smoke ? 50 : 500,
    ...(scale.smoke ? { iterations: 4 } : {}),
  });
  for (const n of [4, 32]) {
    bench
      .add(`forward (record graph), ${n} samples`, async () => {
        await pipeline().forward(n);
      })
      .add(`forward + backward, ${n} samples`, async () => {
        const { forward, params } = pipeline();
        await backward(sum(await forward(n)), { engine });
        for (const p of params) p.zeroGrad();
      });
  }
  await bench.run();
  return bench;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const bench = await runCoreBackwardBench({ smoke: process.argv.includes('--smoke') });
  console.log(bench.name);
  console.table(bench.table());
}
