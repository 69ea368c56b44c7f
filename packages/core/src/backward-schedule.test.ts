import { type ChatModel, ScriptedModel } from '@llm-autodiff/llm';
import { cannedResponse } from '@llm-autodiff/llm/testing';
import { describe, expect, it } from 'vitest';
import { echoFeedback, queryAnswerChain } from '../testing';
import { backward, sum } from './index';

/** Two samples of the query -> answer chain; every sample is wrong, so every edge calls. */
async function twoSamples() {
  const task = ScriptedModel.fn((req) => (req.messages.some((m) => m.content.includes('hint')) ? 'x' : 'q?'));
  const { qInstr, aInstr, run } = queryAnswerChain(task);
  const losses = await Promise.all(['slow', 'fast'].map((q) => run(q, q, 'gold')));
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
      return cannedResponse(fb, { model: 'engine' });
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
