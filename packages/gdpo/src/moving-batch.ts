/**
 * The constrained strategy's moving batch: samples of the steps since the last accepted update, with
 * their loss-metric scores under the current prompts. It grows while proposals fail (so the optimizer
 * keeps seeing the errors it has not fixed), is capped keeping the first few errors, and is reset after an
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

  /**
   * Keep at most `cap` samples, as the reference's `_downsample_move_batch`: with fewer than `minErrors`
   * errors, every error stays and the correct ones are sampled to fill the cap; otherwise the first
   * `minErrors` errors (oldest first) stay and the rest of the cap is a uniform sample of the remaining
   * errors and the correct samples together (so E = 10, C = 15, cap 20 keeps 4 + 16·6/21 ≈ 8.6 errors).
   */
  downsample(rng: Rng): void {
    if (this.items.length <= this.cap) return;
    const errors = this.items.filter((i) => i.score <= this.correctThreshold);
    const correct = this.items.filter((i) => i.score > this.correctThreshold);
    let kept: MovingItem[];
    if (errors.length < this.minErrors) {
      kept = [...errors, ...rng.sample(correct, Math.max(0, this.cap - errors.length))];
    } else {
      const retained = errors.slice(0, this.minErrors);
      const pool = [...errors.slice(this.minErrors), ...correct];
      kept = [...retained, ...rng.sample(pool, Math.max(0, this.cap - this.minErrors))];
    }
    const ids = new Set(kept.map((i) => i.id));
    // Keep insertion order so the batch reads the same after a resume (the reference lists errors first).
    this.items = this.items.filter((i) => ids.has(i.id));
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
