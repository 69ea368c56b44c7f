/**
 * The discrete search of MIPROv2-style optimization: one categorical choice per dimension (a prompt's
 * instruction candidate, a demos slot's demo-set candidate). The reference uses Optuna's multivariate
 * TPE; there is no maintained TPE for TypeScript, and with the reference's 10–30 trials TPE spends its
 * first 10 (`n_startup_trials`) sampling uniformly anyway. So: trial 0 is the default program, the next
 * `startup` trials are uniform, later trials take per dimension the option with the best mean minibatch
 * score (untried options count as the best seen so far, optimism) with probability `exploit`, else a
 * uniform option. Every draw uses the run's seeded RNG, so a resumed run draws the same trials.
 */
import type { Rng } from '@llm-autodiff/trainer';

export interface TrialRecord {
  choice: number[];
  score: number;
}

export interface SearchSettings {
  startup: number;
  exploit: number;
}

export function choiceKey(choice: readonly number[]): string {
  return choice.join(',');
}

export function nextChoice(
  sizes: readonly number[],
  history: readonly TrialRecord[],
  settings: SearchSettings,
  rng: Rng,
): number[] {
  if (history.length === 0) return sizes.map(() => 0);
  if (history.length <= settings.startup) return sizes.map((n) => rng.int(n));
  const top = Math.max(...history.map((h) => h.score));
  return sizes.map((n, d) => {
    if (rng.next() >= settings.exploit) return rng.int(n);
    const means = Array.from({ length: n }, (_, k) => {
      const seen = history.filter((h) => h.choice[d] === k);
      return seen.length === 0 ? top : seen.reduce((s, h) => s + h.score, 0) / seen.length;
    });
    const best = Math.max(...means);
    const ties = means.flatMap((m, k) => (m >= best - 1e-12 ? [k] : []));
    return ties[rng.int(ties.length)] as number;
  });
}

/** The choice with the best mean minibatch score that has not been fully evaluated yet. */
export function bestUnevaluated(
  history: readonly TrialRecord[],
  evaluated: ReadonlySet<string>,
): number[] | undefined {
  const byKey = new Map<string, { choice: number[]; sum: number; n: number }>();
  for (const h of history) {
    const k = choiceKey(h.choice);
    const e = byKey.get(k) ?? { choice: h.choice, sum: 0, n: 0 };
    e.sum += h.score;
    e.n += 1;
    byKey.set(k, e);
  }
  let best: { choice: number[]; mean: number } | undefined;
  for (const [k, e] of byKey) {
    if (evaluated.has(k)) continue;
    const mean = e.sum / e.n;
    if (!best || mean > best.mean + 1e-12) best = { choice: e.choice, mean };
  }
  return best?.choice;
}
