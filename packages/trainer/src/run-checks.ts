/** Checks of a run's input before anything is called: unique sample ids and names, the data's fingerprint. */
import { createHash } from 'node:crypto';
import type { Parameter, Program } from '@llm-autodiff/core';
import { TrainerInputError } from './errors';

export interface TrainData<E> {
  train: readonly E[];
  val: readonly E[];
  test: readonly E[];
}

/** Hash of the sample ids of the three splits (a checkpoint is only resumed on the same data). */
export function dataKey<E>(program: Program<E>, data: TrainData<E>): string {
  const h = createHash('sha256');
  for (const split of [data.train, data.val, data.test])
    h.update(`${split.map((e) => program.sampleId(e)).join('\u0000')}\u0001`);
  return h.digest('hex').slice(0, 16);
}

export function uniqueIds<E>(program: Program<E>, examples: readonly E[], split: string): Map<string, E> {
  const byId = new Map<string, E>();
  for (const ex of examples) {
    const id = program.sampleId(ex);
    if (byId.has(id))
      throw new TrainerInputError(`trainer: duplicate sample id "${id}" in the ${split} split`);
    byId.set(id, ex);
  }
  return byId;
}

/** Trainable prompt and demos parameters by name; two with one name are refused (checkpoints key by name). */
export function trainableByName(params: Parameter[]): Map<string, Parameter> {
  const out = new Map<string, Parameter>();
  for (const p of params) {
    if (!p.trainable || (p.kind !== 'prompt' && p.kind !== 'demos')) continue;
    if (out.has(p.name))
      throw new TrainerInputError(
        `trainer: two trainable parameters are named "${p.name}"; names must be unique`,
      );
    out.set(p.name, p);
  }
  return out;
}

/** The first top-level field whose JSON differs between two configs, if any. */
export function diffConfig(a: unknown, b: unknown): string | undefined {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null)
    return JSON.stringify(a) === JSON.stringify(b) ? undefined : '(config)';
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const key of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
    if (JSON.stringify(ra[key]) !== JSON.stringify(rb[key])) return key;
  }
  return undefined;
}
