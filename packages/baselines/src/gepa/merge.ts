/**
 * GEPA's system-aware merge: two candidates of the frontier that share an ancestor, where each changed
 * a component the other left as the ancestor had it, combine their changes: per component, the value of
 * the one that changed it (both changed it: the better aggregate's). Each (i, j, ancestor) is tried once.
 */
import type { Rng } from '@llm-autodiff/trainer';
import { ancestors, type Candidate, fronts, nonDominated } from './pool';

export interface MergePlan {
  i: number;
  j: number;
  ancestor: number;
  values: Record<string, string>;
}

const ATTEMPTS = 10;

export function planMerge(
  pool: readonly Candidate[],
  tried: ReadonlySet<string>,
  rng: Rng,
): MergePlan | undefined {
  const frontier = [...nonDominated(pool, fronts(pool))].sort((a, b) => a - b);
  if (frontier.length < 2) return undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const [x, y] = rng.sample(frontier, 2) as [number, number];
    const [i, j] = x < y ? [x, y] : [y, x];
    const ci = pool[i] as Candidate;
    const cj = pool[j] as Candidate;
    if (ancestors(pool, i).has(j) || ancestors(pool, j).has(i)) continue;
    const common = [...ancestors(pool, i)]
      .filter((a) => ancestors(pool, j).has(a))
      .filter((a) => (pool[a]?.aggregate ?? 0) <= Math.min(ci.aggregate, cj.aggregate))
      .sort((a, b) => a - b);
    for (const a of common) {
      if (tried.has(`${i},${j},${a}`)) continue;
      const ca = pool[a] as Candidate;
      const names = Object.keys(ca.values);
      const desirable = names.some(
        (n) =>
          (ci.values[n] === ca.values[n] && cj.values[n] !== ca.values[n]) ||
          (cj.values[n] === ca.values[n] && ci.values[n] !== ca.values[n]),
      );
      if (!desirable) continue;
      const better = ci.aggregate >= cj.aggregate ? ci : cj;
      const values = Object.fromEntries(
        names.map((n) => {
          if (ci.values[n] === ca.values[n]) return [n, cj.values[n] as string];
          if (cj.values[n] === ca.values[n]) return [n, ci.values[n] as string];
          return [n, better.values[n] as string];
        }),
      );
      const known = pool.some((c) => names.every((n) => c.values[n] === values[n]));
      if (known) continue;
      return { i, j, ancestor: a, values };
    }
  }
  return undefined;
}
