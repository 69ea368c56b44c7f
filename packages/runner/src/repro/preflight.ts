/**
 * Checks made before the first model call of a sweep: every model spec can be created (provider known,
 * API key present), every pipeline's dataset loads, the results folder is writable and, when resuming,
 * holds the same experiment. Each failure is one line naming the cause.
 */

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorKind } from '@llm-autodiff/llm';
import { loadTask } from '@llm-autodiff/tasks';
import { createModel } from '../model-registry';
import type { Plan } from './plan';

export class PreflightError extends Error {
  override readonly name = 'PreflightError';
  readonly errorKind: ErrorKind = 'environment';
}

/** The resolved experiment as written to experiment.json. */
export function experimentJson(plan: Plan): Record<string, unknown> {
  return {
    ...plan.experiment,
    models: plan.models,
    simulated: plan.simulated,
    notRun: plan.unsupported,
  };
}

/**
 * Creates `dir`, writes a probe file into it, and removes what it created: nothing is left behind when a
 * later check refuses the run (the sweep creates the folders it writes).
 */
function checkWritable(dir: string): void {
  try {
    const created = mkdirSync(dir, { recursive: true });
    const probe = join(dir, `.write-probe-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
    if (created) rmSync(created, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new PreflightError(`results folder ${dir} is not writable (${code})`);
  }
}

export async function preflight(plan: Plan, options: { baseURL?: string; dryRun?: boolean }): Promise<void> {
  for (const [role, spec] of Object.entries(plan.models)) {
    try {
      // A dry run makes no call, so it needs no API key (the spec and provider are still checked).
      createModel(spec, { baseURL: options.baseURL, noCalls: options.dryRun });
    } catch (e) {
      throw new PreflightError(`${role} model: ${(e as Error).message}`);
    }
  }
  const pipelines = [...new Set(plan.runs.map((r) => r.pipeline))];
  for (const p of pipelines) {
    try {
      await loadTask(p);
    } catch (e) {
      throw new PreflightError(`${p}: ${(e as Error).message}`);
    }
  }
  const expFile = join(plan.root, 'experiment.json');
  if (existsSync(expFile)) {
    let saved: unknown;
    try {
      saved = JSON.parse(readFileSync(expFile, 'utf8'));
    } catch (e) {
      throw new PreflightError(`${expFile}: not valid JSON (${(e as Error).message})`);
    }
    if (JSON.stringify(saved) !== JSON.stringify(experimentJson(plan)))
      throw new PreflightError(
        `${expFile} was written for a different definition of experiment "${plan.experiment.name}"; remove ${plan.root} or rename the experiment`,
      );
  }
  checkWritable(plan.root);
}
