/**
 * The constrained strategy's moving batch: samples of the steps since the last accepted update, with
 * their loss-metric scores under the current prompts. It grows while proposals fail (so the optimizer
 * keeps seeing the errors it has not fixed), is capped keeping errors first, and is reset after an
 * accepted update (the prompts changed, so the old scores no longer hold).
 */

import type { Rng } from '@llm-autodiff/trainer';

export interface MovingItem {
  id: string;
  score: number;
}

export interface SubsetOptions {
  correctThreshold: number;
  maxErrors: number;
  maxCorrect: number;
}

export class MovingBatch {
  items: MovingItem[] = [];

  constructor(
    readonly cap: number,
    readonly minErrors: number,
    readonly correctThreshold: number,
  ) {}

  /** Add this step's samples; a sample already present takes its newest score. */
  add(items: readonly MovingItem[]): void {
    const ids = new Set(items.map((i) => i.id));
    this.items = [...this.items.filter((i) => !ids.has(i.id)), ...items.map((i) => ({ ...i }))];
  }

  /** Keep at most `cap` samples: errors first (at least `minErrors` when there are that many), then correct ones. */
  downsample(rng: Rng): void {
    if (this.items.length <= this.cap) return;
    const errors = this.items.filter((i) => i.score <= this.correctThreshold);
    const correct = this.items.filter((i) => i.score > this.correctThreshold);
    const keepErrors = Math.min(errors.length, Math.max(this.minErrors, this.cap - correct.length), this.cap);
    const keepCorrect = Math.min(correct.length, this.cap - keepErrors);
    const kept = new Set(
      [...rng.sample(errors, keepErrors), ...rng.sample(correct, keepCorrect)].map((i) => i.id),
    );
    // Keep insertion order so the batch reads the same after a resume.
    this.items = this.items.filter((i) => kept.has(i.id));
  }

  reset(): void {
    this.items = [];
  }
}

/**
 * The backward subset: up to `maxErrors` errors and up to `min(maxCorrect, 2·max(1, #errors))` correct
 * samples, drawn at random; sorted by their order in `items` so the result does not depend on draw order.
 */
export function selectSubset(items: readonly MovingItem[], rng: Rng, opts: SubsetOptions): MovingItem[] {
  const errors = items.filter((i) => i.score <= opts.correctThreshold);
  const correct = items.filter((i) => i.score > opts.correctThreshold);
  const pickedErrors = rng.sample(errors, opts.maxErrors);
  const nCorrect = Math.min(opts.maxCorrect, 2 * Math.max(1, pickedErrors.length));
  const picked = new Set([...pickedErrors, ...rng.sample(correct, nCorrect)].map((i) => i.id));
  return items.filter((i) => picked.has(i.id));
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}
