/**
 * Repro runs are wired as train runs are (`setupRun`): a resumed run is checked against its manifest
 * and settings, and SIGTERM stops a sweep cleanly (exit 143) so the same command resumes it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Semaphore } from '@llm-autodiff/llm';
import { TrainerInputError } from '@llm-autodiff/trainer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { autodiffChild } from '../../testing/child-cli';
import { HAS_DATA, needsData } from '../../testing/data';
import { parseExperiment } from '../experiment/load';
import { planExperiment, type RunSpec } from './plan';
import { CHECKPOINT_FILE, type RunContext, runOne } from './run-one';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autodiff-run-wiring-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const experiment = (steps: number) => `name: wiring
pipelines: [object-count]
methods: [gdpo]
sizes: { train: 8, val: 4, test: 4 }
config: { steps: ${steps}, batchSize: 2, proposalsPerStep: 1 }
`;

function context(resume: boolean, signal?: AbortSignal, onStep?: (step: number) => void): RunContext {
  return {
    cache: undefined,
    semaphoreFor: () => new Semaphore(4),
    retriever: () => Promise.reject(new Error('object-count has no retriever')),
    resume,
    signal,
    onProgress: (p) => onStep?.(p.step),
  };
}

/** Runs `spec` until its first step is checkpointed, then stops it as a signal would. */
async function stopAfterStepOne(spec: RunSpec): Promise<void> {
  const stop = new AbortController();
  const { record } = await runOne(
    spec,
    context(false, stop.signal, (step) => {
      if (step >= 1) stop.abort('SIGTERM');
    }),
  );
  expect(record.status).toBe('partial');
  expect(existsSync(join(spec.dir, CHECKPOINT_FILE))).toBe(true);
}

describe('a repro run resumed', () => {
  it.skipIf(!HAS_DATA)(
    needsData("with a changed setting is refused like train's; with the same settings it finishes"),
    async () => {
      const [spec] = planExperiment(parseExperiment(experiment(3), 'wiring.yaml'), dir).runs;
      if (!spec) throw new Error('no run planned');
      await stopAfterStepOne(spec);

      // Another sampling option of the task model: a different run (the manifest differs).
      const { settings } = spec.preset;
      const hotter: RunSpec = {
        ...spec,
        preset: {
          ...spec.preset,
          settings: {
            ...settings,
            models: { ...settings.models, task: { ...settings.models.task, temperature: 0.7 } },
          },
        },
      };
      const refused = runOne(hotter, context(true));
      await expect(refused).rejects.toBeInstanceOf(TrainerInputError);
      await expect(refused).rejects.toThrow(/differs from the checkpoint's manifest: .*sampling/);

      // Another method setting: refused, naming the field.
      const more: RunSpec = { ...spec, methodConfig: { ...spec.methodConfig, proposalsPerStep: 2 } };
      await expect(runOne(more, context(true))).rejects.toThrow(/field "proposalsPerStep" differs/);

      const { record } = await runOne(spec, context(true));
      expect(record.status).toBe('done');
      expect(record.steps).toBe(5); // init, three steps, final
    },
    120_000,
  );
});

describe('autodiff repro, stopped by a signal', () => {
  it.skipIf(!HAS_DATA)(
    needsData('SIGTERM stops the sweep with 143, its run checkpointed; the same command resumes it'),
    async () => {
      const file = join(dir, 'wiring.yaml');
      writeFileSync(file, experiment(12));
      const args = ['repro', file, '--results', join(dir, 'results'), '--cache', 'off'];
      let sent = false;
      const term = await autodiffChild(args, (out, kill) => {
        if (!sent && /step 1\/12/.test(out)) {
          sent = true;
          kill('SIGTERM');
        }
      });
      expect(sent).toBe(true);
      expect(term.err).toContain('SIGTERM: stopping');
      expect(term.err).toContain('rerun the same command to resume');
      expect(term.code).toBe(143);
      const [run] = planExperiment(parseExperiment(experiment(12), file), join(dir, 'results')).runs;
      if (!run) throw new Error('no run planned');
      expect(existsSync(join(run.dir, CHECKPOINT_FILE))).toBe(true);

      const resumed = await autodiffChild(args);
      expect(resumed.err).not.toContain('FAILED');
      expect(resumed.code).toBe(0);
      expect(resumed.out).toContain('resumed from its checkpoint');
      const record = JSON.parse(readFileSync(join(run.dir, 'run.json'), 'utf8'));
      expect(record.status).toBe('done');
    },
    180_000,
  );
});
