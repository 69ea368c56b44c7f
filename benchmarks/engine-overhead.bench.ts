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
import { type BenchScale, FigureSet, FULL, fmt } from './lib/figures';
import { measure } from './lib/measure';

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
  return { instr, forward, nodesPerSample: length };
}

/** prompt → (length − 2) generators in a row → loss: every inner node calls the model. */
export function generatorChain(length: number): ShapeProgram {
  const instr = param('Answer briefly.', { name: 'instr', description: 'answer instruction' });
  const first = generator({ name: 'g0', model: task, system: [instr], user: (x: { q: string }) => x.q });
  const rest = Array.from({ length: length - 3 }, (_, i) =>
    generator({
      name: `g${i + 1}`,
      model: task,
      system: [instr],
      user: (x: { q: string }) => `again: ${x.q}`,
    }),
  );
  const forward = (sampleId: string) =>
    runSample(sampleId, 'train', async () => {
      let out = await first({ q: `question ${sampleId}` });
      for (const g of rest) out = await g({ q: out });
      return loss(out, 'gold', (p: string, g: string) => (p === g ? 1 : 0));
    });
  return { instr, forward, nodesPerSample: length };
}

/** prompt → `width` generators side by side → one joining function → loss. */
export function fanOutProgram(width: number): ShapeProgram {
  const instr = param('Answer briefly.', { name: 'instr', description: 'answer instruction' });
  const gens = Array.from({ length: width }, (_, i) =>
    generator({ name: `g${i}`, model: task, system: [instr], user: (x: { q: string }) => `${x.q} (${i})` }),
  );
  const join = fn('join', (...parts: string[]) => parts.join(' '));
  const forward = (sampleId: string) =>
    runSample(sampleId, 'train', async () => {
      const outs = await Promise.all(gens.map((g) => g({ q: `question ${sampleId}` })));
      return loss(await join(...outs), 'gold', (p: string, g: string) => (p === g ? 1 : 0));
    });
  return { instr, forward, nodesPerSample: width + 3 };
}

interface Timing {
  forwardUs: number;
  backwardUs: number;
  /** Share of the backward's wall-clock spent in garbage-collection pauses (%). */
  backwardGcPct: number;
  /** Forward + backward wall-clock per node, for the note. */
  wallUs: number;
}

type ShapeProgram = ReturnType<typeof chainProgram>;

async function time({ instr, forward, nodesPerSample }: ShapeProgram, samples: number): Promise<Timing> {
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
    backwardGcPct: (100 * b.gcMs) / b.wallMs,
    wallUs: ((f.wallMs + b.wallMs) * 1000) / nodes,
  };
}

interface Spread {
  /** Median of the repeats (µs/node). */
  median: number;
  /** Lowest and highest repeat (µs/node). */
  min: number;
  max: number;
}

const spreadOf = (xs: number[]): Spread => {
  const sorted = [...xs].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
  };
};

/** Median and spread of `reps` runs (after a warm-up): the typical cost, with its range beside it. */
async function repeated(program: () => ShapeProgram, samples: number, reps: number) {
  await time(program(), samples);
  const runs: Timing[] = [];
  for (let i = 0; i < reps; i++) runs.push(await time(program(), samples));
  return {
    forward: spreadOf(runs.map((r) => r.forwardUs)),
    backward: spreadOf(runs.map((r) => r.backwardUs)),
    wall: spreadOf(runs.map((r) => r.wallUs)),
    backwardGc: spreadOf(runs.map((r) => r.backwardGcPct)),
  };
}

const range = (s: Spread) => `median of runs ${fmt(s.median)}, range ${fmt(s.min)}–${fmt(s.max)} µs/node`;

export async function runEngineOverhead(
  figures = new FigureSet(),
  scale: BenchScale = FULL,
): Promise<FigureSet> {
  const target = { kind: 'max' as const, value: TARGET_US };
  const perSize: Array<{ nodes: number; us: number }> = [];
  const sizes: ReadonlyArray<readonly [number, number]> = scale.smoke
    ? [
        [10, 3],
        [1_000, 3],
      ]
    : [
        [10, 21],
        [1_000, 21],
        [100_000, 3],
      ];
  for (const [nodes, reps] of sizes) {
    const shapes: ReadonlyArray<readonly [string, () => ShapeProgram, number]> = [
      ['chain', () => chainProgram(nodes), 1],
      ['samples of 10', () => chainProgram(10), nodes / 10],
      // Every node but the loss a generator: the model-call path of each node, not a pass-through.
      ['generators, samples of 10', () => generatorChain(10), nodes / 10],
      // One prompt feeding 8 generators joined by one function: a wide sample (11 nodes).
      ['fan-out of 8, samples of 11', () => fanOutProgram(8), Math.max(1, Math.round(nodes / 11))],
    ];
    for (const [shape, program, samples] of shapes) {
      const t = await repeated(program, samples, reps);
      figures.add({
        suite: SUITE,
        name: `forward, ${nodes} nodes (${shape})`,
        value: t.forward.median,
        unit: 'µs/node',
        target,
        note: `CPU time, ${reps} runs: ${range(t.forward)}`,
      });
      figures.add({
        suite: SUITE,
        name: `backward, ${nodes} nodes (${shape})`,
        value: t.backward.median,
        unit: 'µs/node',
        target,
        note: `CPU time, ${reps} runs: ${range(t.backward)}; wall-clock forward + backward median ${fmt(t.wall.median)} µs/node; garbage collection ${fmt(t.backwardGc.median)}% of the backward's wall-clock (median)`,
      });
      if (shape === 'samples of 10') perSize.push({ nodes, us: t.forward.median + t.backward.median });
    }
  }
  const small = perSize.find((p) => p.nodes === 10);
  const large = perSize.at(-1);
  if (small && large)
    figures.add({
      suite: SUITE,
      name: `linearity: per-node cost at ${large.nodes} ÷ at 10 nodes (samples of 10)`,
      value: large.us / small.us,
      unit: '×',
      target: { kind: 'max', value: 2 },
      note: '1 = perfectly linear',
    });

  // One parameter receiving 1,000 and then 10,000 gradients (samples of one generator + loss): the cost
  // per gradient must not grow with their number (insertion was once quadratic); then rendering them.
  const perGradient: number[] = [];
  const counts = scale.smoke ? [100, 1_000] : [1_000, 10_000];
  for (const count of counts) {
    const { instr, forward } = chainProgram(3);
    const losses: Parameter<number>[] = [];
    for (let s = 0; s < count; s++) losses.push(await forward(`g${s}`));
    const b = await measure(() => backward(sum(losses), { engine: backwardModel }));
    const n = instr.gradients.length;
    perGradient.push(b.cpuUs / n);
    if (count < (counts[1] ?? 0)) continue;
    figures.add({
      suite: SUITE,
      name: `backward, one parameter receiving ${n} gradients`,
      value: b.cpuUs / (3 * n),
      unit: 'µs/node',
      target,
      note: `CPU time per node (3 per sample; each sample asks the engine twice, requests kept on the gradients); ${fmt(b.cpuUs / n)} µs per gradient, wall-clock ${fmt((b.wallMs * 1000) / n)}; garbage collection ${fmt((100 * b.gcMs) / b.wallMs)}% of the wall-clock`,
    });
    figures.add({
      suite: SUITE,
      name: `linearity: per-gradient cost at ${counts[1]} ÷ at ${counts[0]} gradients`,
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
