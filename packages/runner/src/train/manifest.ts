/**
 * The run manifest: what a run was made with, stored in the checkpoint and the results. A resume whose
 * manifest differs (another model, data, salt or package version) is refused by the trainer with the
 * list of differences, so one run's steps are never mixed with another model's.
 */
import { createHash } from 'node:crypto';
import { packageVersions } from '../versions';

/** sha256 (first 16 hex) of a split's examples as JSON, in order. */
export function splitHash(examples: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(examples)).digest('hex').slice(0, 16);
}

export interface ManifestInput {
  task: string;
  pipeline: string;
  method: string;
  /** Per role: the spec as given and the resolved canonical model id. */
  models: Record<string, { spec: string; id: string }>;
  data: { train: readonly unknown[]; val: readonly unknown[]; test: readonly unknown[] };
  seed: number;
  repeat: number;
  cacheSalt: string;
  /** The simulated world's seed, when a role uses a sim model. */
  simSeed?: number;
  /** Per role: the sampling options set on every request (absent ones: the endpoint's defaults). */
  sampling: Record<string, { temperature?: number; topP?: number; maxTokens?: number }>;
}

export type RunManifest = Record<string, unknown>;

export function runManifest(input: ManifestInput): RunManifest {
  const split = (xs: readonly unknown[]) => ({ examples: xs.length, sha256: splitHash(xs) });
  return {
    task: input.task,
    pipeline: input.pipeline,
    method: input.method,
    models: input.models,
    // A change of a role's sampling options is a different run (refused on resume).
    sampling: input.sampling,
    data: {
      train: split(input.data.train),
      val: split(input.data.val),
      test: split(input.data.test),
    },
    seed: input.seed,
    repeat: input.repeat,
    cacheSalt: input.cacheSalt,
    ...(input.simSeed === undefined ? {} : { simSeed: input.simSeed }),
    versions: packageVersions(),
  };
}
