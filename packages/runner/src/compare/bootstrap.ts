/**
 * Seeded percentile bootstrap of a difference of means (new − old), resampling at two levels: repeats,
 * then test examples within each drawn repeat. Draws are paired where the design is paired: repeats by
 * index when both sides have as many (repeat r uses the same seed on both), examples when every repeat
 * of both sides scored the same ids. So identical runs give a CI of exactly [0, 0], and a real change is
 * not hidden by repeat-to-repeat or example-to-example noise. Deterministic: the same inputs and seed give the same
 * interval.
 */
import { Rng } from '@llm-autodiff/trainer';

/** One repeat: its per-example scores (id -> score), or a single value for per-run quantities. */
export type RepeatSample = ReadonlyMap<string, number>;

export interface BootstrapOptions {
  iterations?: number;
  seed?: number;
  /** Two-sided confidence level, e.g. 0.95. */
  level?: number;
}

export interface Interval {
  lo: number;
  hi: number;
}

const meanOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** A per-run quantity (calls, tokens, validation score) as a one-example repeat. */
export function single(value: number): RepeatSample {
  return new Map([['run', value]]);
}

/** The point estimate: mean over repeats of the mean over examples. */
export function pointMean(repeats: readonly RepeatSample[]): number {
  return meanOf(repeats.map((r) => meanOf([...r.values()])));
}

function sharedIds(sides: ReadonlyArray<readonly RepeatSample[]>): string[] | undefined {
  const all = sides.flat();
  const first = all[0];
  if (!first) return undefined;
  const ids = [...first.keys()].sort();
  const same = all.every((r) => r.size === ids.length && ids.every((id) => r.has(id)));
  return same ? ids : undefined;
}

function percentile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

export function bootstrapDiff(
  oldRepeats: readonly RepeatSample[],
  newRepeats: readonly RepeatSample[],
  options: BootstrapOptions = {},
): Interval {
  if (oldRepeats.length === 0 || newRepeats.length === 0)
    throw new Error('bootstrapDiff needs at least one repeat per side');
  const iterations = options.iterations ?? 1000;
  const level = options.level ?? 0.95;
  const rng = new Rng(options.seed ?? 2025);
  const ids = sharedIds([oldRepeats, newRepeats]);
  const arrays = (side: readonly RepeatSample[]) =>
    side.map((r) => (ids ? ids.map((id) => r.get(id) as number) : [...r.values()]));
  const oldArrays = arrays(oldRepeats);
  const newArrays = arrays(newRepeats);
  const draw = (n: number) => Array.from({ length: n }, () => rng.int(n));
  const pairedRepeats = oldArrays.length === newArrays.length;
  const sideMean = (side: number[][], repeats: number[] | undefined, shared: number[] | undefined) => {
    let total = 0;
    for (let k = 0; k < side.length; k++) {
      const scores = side[repeats ? (repeats[k] as number) : rng.int(side.length)] as number[];
      const picks = shared ?? draw(scores.length);
      let sum = 0;
      for (const i of picks) sum += scores[i] as number;
      total += sum / picks.length;
    }
    return total / side.length;
  };
  const diffs: number[] = [];
  for (let it = 0; it < iterations; it++) {
    const repeats = pairedRepeats ? draw(newArrays.length) : undefined;
    const shared = ids ? draw(ids.length) : undefined;
    diffs.push(sideMean(newArrays, repeats, shared) - sideMean(oldArrays, repeats, shared));
  }
  diffs.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return { lo: percentile(diffs, tail), hi: percentile(diffs, 1 - tail) };
}
