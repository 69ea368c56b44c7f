/**
 * Engine overhead with a zero-latency scripted model: what recording the graph (forward in train mode) and
 * the backward bookkeeping cost per node per sample, for graphs of 10, 1,000 and 100,000 nodes, in two
 * shapes — one long chain of functions (depth) and many short samples (width); gradient rendering; and
 * one parameter receiving 10,000 gradients. Target: under 20 µs per node per sample, linear in size.
 *
 * Times are the process's CPU time (user + system, garbage collection included), not wall-clock: on a
 * machine shared with other jobs the wall-clock of a CPU-bound loop measures the neighbours as much as
 * the engine. The wall-clock is given in the note.
 */
import { pathToFileURL } from 'node:url';
import {
  backward,
  fn,
  generator,
  loss,
  type Parameter,
  param,
  renderGradients,
  runSample,
  sum,
} from '@llm-autodiff/core';
import type { ChatModel } from '@llm-autodiff/llm';
import { FigureSet, fmt } from './lib/figures';

const SUITE = 'engine overhead';
const TARGET_US = 20;

/** A model that answers at once and counts nothing: what is timed is the engine, not a tokenizer. */
export function instant(text: string): ChatModel {
  const usage = { promptTokens: 0, completionTokens: 0, cachedTokens: 0, estimated: true };
  return {
    id: 'bench:instant',
    complete: async () => ({
      text,
      choices: [text],
      usage,
      latencyMs: 0,
      model: 'instant',
      cacheHit: false,
      raw: null,
    }),
  };
}
const task = instant('an answer');
const backwardModel = instant('The instruction should ask for the exact entity.');

/** prompt → generator → (length − 3) functions → loss: `length` nodes for one sample. */
export function chainProgram(length: number) {
  const instr = param('Answer briefly.', { name: 'instr', description: 'answer instruction' });
  const answer = generator({ name: 'answer', model: task, system: [instr], user: (x: { q: string }) => x.q });
  const step = fn('step', (s: string) => s);
  const forward = (sampleId: string) =>
    runSample(sampleId, 'train', async () => {
      let out = await answer({ q: `question ${sampleId}` });
      for (let i = 0; i < length - 3; i++) out = await step(out);
      return loss(out, 'gold', (p: string, g: string) => (p === g ? 1 : 0));
    });
  return { instr, forward };
}

interface Timing {
  forwardUs: number;
  backwardUs: number;
  /** Forward + backward wall-clock per node, for the note. */
  wallUs: number;
}

/** CPU time (µs) and wall-clock (ms) of `work`. */
export async function measure(work: () => Promise<unknown>): Promise<{ cpuUs: number; wallMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const c = process.cpuUsage(c0);
  return { cpuUs: c.user + c.system, wallMs: performance.now() - t0 };
}

async function time(nodesPerSample: number, samples: number): Promise<Timing> {
  const { instr, forward } = chainProgram(nodesPerSample);
  const losses: Parameter<number>[] = [];
  const f = await measure(async () => {
    for (let s = 0; s < samples; s++) losses.push(await forward(`s${s}`));
  });
  const b = await measure(() => backward(sum(losses), { engine: backwardModel }));
  instr.zeroGrad();
  const nodes = nodesPerSample * samples;
  return {
    forwardUs: f.cpuUs / nodes,
    backwardUs: b.cpuUs / nodes,
    wallUs: ((f.wallMs + b.wallMs) * 1000) / nodes,
  };
}

/** Best of `reps` (after a warm-up): the engine's cost, not the garbage collector's worst moment. */
async function best(nodesPerSample: number, samples: number, reps: number): Promise<Timing> {
  await time(nodesPerSample, samples);
  let out: Timing = { forwardUs: Infinity, backwardUs: Infinity, wallUs: Infinity };
  for (let i = 0; i < reps; i++) {
    const t = await time(nodesPerSample, samples);
    out = {
      forwardUs: Math.min(out.forwardUs, t.forwardUs),
      backwardUs: Math.min(out.backwardUs, t.backwardUs),
      wallUs: Math.min(out.wallUs, t.wallUs),
    };
  }
  return out;
}

export async function runEngineOverhead(figures = new FigureSet()): Promise<FigureSet> {
  const target = { kind: 'max' as const, value: TARGET_US };
  const perSize: Array<{ nodes: number; us: number }> = [];
  for (const [nodes, reps] of [
    [10, 20],
    // A 1,000-node pass takes milliseconds: more repeats, so one garbage collection does not decide it.
    [1_000, 20],
    [100_000, 2],
  ] as const) {
    for (const [shape, perSample, samples] of [
      ['chain', nodes, 1],
      ['samples of 10', 10, nodes / 10],
    ] as const) {
      try {
        const t = await best(perSample, samples, reps);
        figures.add({
          suite: SUITE,
          name: `forward, ${nodes} nodes (${shape})`,
          value: t.forwardUs,
          unit: 'µs/node',
          target,
        });
        figures.add({
          suite: SUITE,
          name: `backward, ${nodes} nodes (${shape})`,
          value: t.backwardUs,
          unit: 'µs/node',
          target,
          note: `CPU time; wall-clock forward + backward ${t.wallUs.toFixed(1)} µs/node`,
        });
        if (shape === 'samples of 10') perSize.push({ nodes, us: t.forwardUs + t.backwardUs });
      } catch (e) {
        figures.add({
          suite: SUITE,
          name: `forward + backward, ${nodes} nodes (${shape})`,
          value: Number.NaN,
          unit: 'µs/node',
          target,
          note: `failed: ${(e as Error).message.slice(0, 120)}`,
        });
      }
    }
  }
  const small = perSize.find((p) => p.nodes === 1_000);
  const large = perSize.find((p) => p.nodes === 100_000);
  if (small && large)
    figures.add({
      suite: SUITE,
      name: 'linearity: per-node cost at 100,000 ÷ at 1,000 nodes',
      value: large.us / small.us,
      unit: '×',
      target: { kind: 'max', value: 2 },
      note: '1 = perfectly linear',
    });

  // One parameter receiving 1,000 and then 10,000 gradients (samples of one generator + loss): the cost
  // per gradient must not grow with their number (insertion was once quadratic); then rendering them.
  const perGradient: number[] = [];
  for (const count of [1_000, 10_000]) {
    const { instr, forward } = chainProgram(3);
    const losses: Parameter<number>[] = [];
    for (let s = 0; s < count; s++) losses.push(await forward(`g${s}`));
    const b = await measure(() => backward(sum(losses), { engine: backwardModel }));
    const n = instr.gradients.length;
    perGradient.push(b.cpuUs / n);
    if (count < 10_000) continue;
    figures.add({
      suite: SUITE,
      name: `backward, one parameter receiving ${n} gradients`,
      value: b.cpuUs / (3 * n),
      unit: 'µs/node',
      target,
      note: `CPU time per node (3 per sample; each sample asks the engine twice, prompts rendered and kept on the gradients); ${fmt(b.cpuUs / n)} µs per gradient, wall-clock ${fmt((b.wallMs * 1000) / n)}`,
    });
    figures.add({
      suite: SUITE,
      name: 'linearity: per-gradient cost at 10,000 ÷ at 1,000 gradients',
      value: (perGradient[1] ?? Number.NaN) / (perGradient[0] ?? Number.NaN),
      unit: '×',
      target: { kind: 'max', value: 2 },
      note: '1 = linear; quadratic insertion would be ~10',
    });
    let text = '';
    const r = await measure(async () => {
      text = renderGradients(instr);
    });
    figures.add({
      suite: SUITE,
      name: `render ${n} gradients`,
      value: r.cpuUs / n,
      unit: 'µs/gradient',
      note: `${(text.length / 2 ** 20).toFixed(1)} MiB of text`,
    });
  }
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runEngineOverhead();
}
