/** One repro run gets its pipeline's preset, as `autodiff train` does: sampling on every request, the record. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChatOptions, registerProvider, Semaphore } from '@llm-autodiff/llm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HAS_DATA, needsData } from '../../testing/data';
import { parseExperiment } from '../experiment/load';
import { createModel } from '../model-registry';
import { planExperiment } from './plan';
import { runOne } from './run-one';
import { parseRunRecord } from './run-record';

/** `spy:<profile>`: the simulated model of that profile, recording the options of every request. */
function spyProvider(): { seen: Array<{ model: string; options: ChatOptions }>; unregister: () => void } {
  const seen: Array<{ model: string; options: ChatOptions }> = [];
  const unregister = registerProvider('spy', (spec, options) => {
    const inner = createModel(`sim:${spec.model}`, options);
    return {
      id: `spy:${spec.model}`,
      complete: (request, context) => {
        seen.push({ model: spec.model, options: request.options ?? {} });
        return inner.complete(request, context);
      },
    };
  });
  return { seen, unregister };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autodiff-run-one-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const EXPERIMENT = `name: preset
pipelines: [object-count]
methods: [gdpo]
sizes: { train: 4, val: 3, test: 3 }
config: { steps: 1, batchSize: 2, proposalsPerStep: 1 }
models: { task: "spy:task", backward: "spy:large", optimizer: "spy:large", teacher: "spy:teacher" }
`;

describe('runOne with the reference presets', () => {
  it.skipIf(!HAS_DATA)(
    needsData("sends each role's preset sampling options and records the preset in run.json"),
    async () => {
      const spy = spyProvider();
      try {
        const plan = planExperiment(parseExperiment(EXPERIMENT, 'preset.yaml'), dir);
        const [spec] = plan.runs;
        if (!spec) throw new Error('no run planned');
        const { record } = await runOne(spec, {
          cache: undefined,
          semaphoreFor: () => new Semaphore(4),
          retriever: () => Promise.reject(new Error('object-count has no retriever')),
          resume: false,
        });
        // The task model is gpt-3.5 in the reference's object-count script: temperature 0, top_p 0.99.
        const task = spy.seen.filter((s) => s.model === 'task');
        expect(task.length).toBeGreaterThan(0);
        for (const s of task)
          expect(s.options).toMatchObject({ temperature: 0, topP: 0.99, maxTokens: 2000 });
        // Backward engine and optimizer are gpt-4o (top_p 0.99); a method's own options win where it sets them.
        const large = spy.seen.filter((s) => s.model === 'large');
        expect(large.length).toBeGreaterThan(0);
        for (const s of large) expect(s.options.topP).toBe(0.99);
        parseRunRecord(record);
        expect(record.preset).toMatchObject({
          name: 'adalflow:object-count',
          source: 'use_cases/question_answering/bbh/object_count/train_new.py',
          settings: { gdpo: { historySize: 2, steps: 1 } },
        });
        expect(record.preset?.overridden.sort()).toEqual([
          'gdpo.batchSize',
          'gdpo.proposalsPerStep',
          'gdpo.steps',
        ]);
        // The method ran with the resolved values: the preset's history and rendering, the file's steps.
        expect(record.config).toMatchObject({
          historySize: 2,
          failedRendering: 'reference',
          steps: 1,
          seed: 2025,
        });
      } finally {
        spy.unregister();
      }
    },
  );
});
