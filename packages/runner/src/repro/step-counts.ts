/**
 * The shape of the committed table of measured per-step counts (step-counts.json), produced by
 * `npx tsx scripts/measure-step-counts.ts` on the simulated world. Token counts are the real tokenizer's
 * (o200k) on the real prompts the pipelines send.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface TokensPerCall {
  prompt: number;
  completion: number;
}

export interface MeasuredPipeline {
  /** Evaluation: model calls per evaluated example and tokens per call, per role (task). */
  eval: { callsPerExample: Record<string, number>; tokensPerCall: Record<string, TokensPerCall> };
  /** One GDPO text step at the reference settings: calls per role and tokens per call. */
  step: { calls: Record<string, number>; tokensPerCall: Record<string, TokensPerCall> };
}

export interface StepCountTable {
  measured: string;
  /** Settings of the measurement; per-step counts are scaled from these. */
  reference: { batchSize: number; proposalsPerStep: number; val: number; test: number; steps: number };
  pipelines: Record<string, MeasuredPipeline>;
}

// Beside the experiment presets, so it ships with the package (dist/ has no JSON of src/).
export const STEP_COUNTS_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'experiments',
  'step-counts.json',
);

export function readStepCounts(file = STEP_COUNTS_FILE): StepCountTable {
  return JSON.parse(readFileSync(file, 'utf8')) as StepCountTable;
}
