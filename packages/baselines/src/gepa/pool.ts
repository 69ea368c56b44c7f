/**
 * GEPA's candidate pool: every accepted candidate with its parents and its per-instance validation
 * scores, the per-instance Pareto frontier used to pick parents, and the best-aggregate winner.
 */
import type { Rng } from '@llm-autodiff/trainer';

export interface Candidate {
  /** Prompt values by parameter name. */
  values: Record<string, string>;
  parents: number[];
  /** Validation score per sample id. */
  scores: Record<string, number>;
  aggregate: number;
  /** Metric calls spent when it was found. */
  foundAt: number;
}

const EPS = 1e-9;

/** For each validation instance, the candidates that reach its best score. */
export function fronts(pool: readonly Candidate[]): number[][] {
  const ids = Object.keys(pool[0]?.scores ?? {});
  return ids.map((id) => {
    const best = Math.max(...pool.map((c) => c.scores[id] ?? 0));
    return pool.flatMap((c, i) => ((c.scores[id] ?? 0) >= best - EPS ? [i] : []));
  });
}

/**
 * The candidates left after removing dominated ones: a candidate is dominated when every front it is on
 * also holds another remaining candidate. Weakest aggregate first, one at a time, as the reference.
 */
export function nonDominated(pool: readonly Candidate[], fs: readonly number[][]): Set<number> {
  const alive = new Set(fs.flat());
  const order = [...alive].sort((a, b) => (pool[a]?.aggregate ?? 0) - (pool[b]?.aggregate ?? 0) || a - b);
  let changed = true;
  while (changed) {
    changed = false;
    for (const y of order) {
      if (!alive.has(y)) continue;
      const mine = fs.filter((f) => f.includes(y));
      const dominated = mine.length > 0 && mine.every((f) => f.some((x) => x !== y && alive.has(x)));
      if (dominated && alive.size > 1) {
        alive.delete(y);
        changed = true;
        break;
      }
    }
  }
  return alive;
}

/** A parent drawn in proportion to the number of instances it wins (after removing dominated ones). */
export function selectParent(pool: readonly Candidate[], rng: Rng): number {
  const fs = fronts(pool);
  const alive = nonDominated(pool, fs);
  const weights = [...alive]
    .sort((a, b) => a - b)
    .map((i) => ({ i, w: fs.filter((f) => f.includes(i)).length }));
  const total = weights.reduce((s, x) => s + x.w, 0);
  if (total === 0) return bestIndex(pool);
  let r = rng.next() * total;
  for (const { i, w } of weights) {
    r -= w;
    if (r < 0) return i;
  }
  return (weights.at(-1) as { i: number }).i;
}

/** Highest aggregate; the earliest on ties. */
export function bestIndex(pool: readonly Candidate[]): number {
  let best = 0;
  pool.forEach((c, i) => {
    if (c.aggregate > (pool[best]?.aggregate ?? 0) + EPS) best = i;
  });
  return best;
}

export function ancestors(pool: readonly Candidate[], i: number): Set<number> {
  const out = new Set<number>();
  const stack = [...(pool[i]?.parents ?? [])];
  while (stack.length > 0) {
    const a = stack.pop() as number;
    if (out.has(a)) continue;
    out.add(a);
    stack.push(...(pool[a]?.parents ?? []));
  }
  return out;
}
