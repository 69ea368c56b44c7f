import { type ChatModel, ScriptedModel } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import { echoFeedback } from '../testing';
import { backward, generator, loss, param, runSample, sum } from './index';

const exact = (p: unknown, g: unknown) => (p === g ? 1 : 0);

/** Two samples of query generator -> answer generator -> loss; every sample is wrong, so every edge calls. */
async function twoSamples() {
  const task = ScriptedModel.fn((req) => (req.messages.some((m) => m.content.includes('hint')) ? 'x' : 'q?'));
  const qInstr = param('Write a query.', { name: 'query.instr', description: 'query instruction' });
  const aInstr = param('Answer briefly.', { name: 'answer.instr', description: 'answer instruction' });
  const query = generator({
    name: 'query',
    model: task,
    system: [qInstr],
    user: (x: { q: string }) => `Q:${x.q}`,
  });
  const answer = generator({
    name: 'answer',
    model: task,
    system: [aInstr],
    user: (x: { q: string; hint: string }) => `Q:${x.q}\nhint: ${x.hint}`,
  });
  const losses = await Promise.all(
    ['slow', 'fast'].map((q) =>
      runSample(q, 'train', async () => loss(await answer({ q, hint: await query({ q }) }), 'gold', exact)),
    ),
  );
  return { qInstr, aInstr, root: sum(losses) };
}

/** An engine whose calls about `slowQuestion` take `slowMs`, others 5 ms; it logs starts and ends. */
function timedEngine(slowQuestion: string, slowMs: number) {
  const log: Array<{ q: string; at: number; event: 'start' | 'end' }> = [];
  const t0 = performance.now();
  const engine: ChatModel = {
    id: 'engine',
    async complete(request) {
      const fb = echoFeedback(request);
      const q = /\|(\w+)\]$/.exec(fb)?.[1] ?? '?';
      log.push({ q, at: performance.now() - t0, event: 'start' });
      await new Promise((r) => setTimeout(r, q === slowQuestion ? slowMs : 5));
      log.push({ q, at: performance.now() - t0, event: 'end' });
      return {
        text: fb,
        choices: [fb],
        usage: { promptTokens: 1, completionTokens: 1, cachedTokens: 0, estimated: true },
        latencyMs: 0,
        model: 'engine',
        cacheHit: false,
        raw: null,
      };
    },
  };
  return { engine, log };
}

describe('backward schedule (data flow)', () => {
  it("starts a sample's next hop without waiting for another sample's slow call", async () => {
    const { root } = await twoSamples();
    const { engine, log } = timedEngine('slow', 300);
    await backward(root, { engine, concurrency: 8 });
    const fastDone = Math.max(...log.filter((e) => e.q === 'fast' && e.event === 'end').map((e) => e.at));
    const slowFirstEnd = Math.min(...log.filter((e) => e.q === 'slow' && e.event === 'end').map((e) => e.at));
    // Every call about the fast sample (loss, answer and query hops) ends before the slow sample's first.
    expect(log.filter((e) => e.q === 'fast' && e.event === 'end').length).toBeGreaterThanOrEqual(3);
    expect(fastDone).toBeLessThan(slowFirstEnd);
  });

  it('adds gradients in the same order whichever sample finishes first', async () => {
    const orders: string[][] = [];
    for (const slow of ['slow', 'fast']) {
      const { qInstr, aInstr, root } = await twoSamples();
      await backward(root, { engine: timedEngine(slow, 60).engine, concurrency: 8 });
      orders.push([...qInstr.gradients, ...aInstr.gradients].map((g) => `${g.sampleId}:${g.feedback}`));
    }
    expect(orders[0]!.length).toBe(4);
    expect(orders[1]).toEqual(orders[0]);
  });
});
