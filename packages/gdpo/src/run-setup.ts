/** Run setup checks and checkpoint format: sample ids, parameter names, config and checkpoint validation. */
import { createHash } from 'node:crypto';
import { type TrainerConfig, TrainerInputError } from './config';
import type { Parameter, Program } from './engine';
import type { Checkpoint } from './records';

export interface TrainData<E> {
  train: readonly E[];
  val: readonly E[];
  test: readonly E[];
}

export const CHECKPOINT_FORMAT = 'llm-autodiff/gdpo-checkpoint@1' as const;

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

export function diffConfig(a: TrainerConfig, b: TrainerConfig): string | undefined {
  for (const key of Object.keys(a) as Array<keyof TrainerConfig>) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) return key;
  }
  return undefined;
}

export function parseCheckpoint(raw: unknown, path: string): Checkpoint {
  const c = raw as Partial<Checkpoint> | null;
  if (!c || c.format !== CHECKPOINT_FORMAT)
    throw new TrainerInputError(
      `${path}: not a gdpo checkpoint (format field is not "${CHECKPOINT_FORMAT}")`,
    );
  for (const f of [
    'program',
    'config',
    'dataKey',
    'step',
    'values',
    'rng',
    'moving',
    'records',
    'initial',
    'bestVal',
  ] as const) {
    if (c[f] === undefined) throw new TrainerInputError(`${path}: checkpoint field "${f}" is missing`);
  }
  return c as Checkpoint;
}
