/**
 * The batch of a given step: consecutive slices of a per-epoch shuffle, seeded by the run's seed and the
 * epoch. Stateless, so a resumed run draws the batches an uninterrupted run would.
 */
import { TrainerInputError } from './errors';
import { Rng } from './rng';

export function batchIndices(n: number, batchSize: number, stepIndex: number, seed: number): number[] {
  if (n === 0) throw new TrainerInputError('trainer: the training set is empty');
  if (batchSize <= 0) return [];
  const perEpoch = Math.ceil(n / batchSize);
  const epoch = Math.floor(stepIndex / perEpoch);
  const order = new Rng(seed + epoch * 7919).shuffle(Array.from({ length: n }, (_, i) => i));
  const start = (stepIndex % perEpoch) * batchSize;
  return order.slice(start, start + batchSize);
}
