/** The sweep's pool: runs in flight share each model's concurrency limit. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChatModel, type ChatResponse, registerProvider } from '@llm-autodiff/llm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HAS_DATA, needsData } from '../../testing/data';
import { parseExperiment } from '../experiment/load';
import { planExperiment } from './plan';
import { SweepProgress } from './progress';
import { runSweep } from './sweep';

/** A model that answers after a pause and records how many of its calls were in flight at once. */
function countingProvider(): { peak: () => number; unregister: () => void } {
  let inFlight = 0;
  let peak = 0;
  const unregister = registerProvider('counting', (spec) => {
    const model: ChatModel = {
      id: `counting:${spec.model}`,
      async complete(): Promise<ChatResponse> {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return {
          text: '3',
          choices: ['3'],
          usage: { promptTokens: 10, completionTokens: 1, cachedTokens: 0, estimated: true },
          latencyMs: 5,
          model: spec.model,
          finishReason: 'stop',
          cacheHit: false,
          raw: {},
        };
      },
    };
    return model;
  });
  return { peak: () => peak, unregister };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autodiff-sweep-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('runSweep', () => {
  it.skipIf(!HAS_DATA)(
    needsData('runs concurrently while one model never has more calls in flight than its limit'),
    async () => {
      const counting = countingProvider();
      try {
        const e = parseExperiment(
          'name: pool\npipelines: [object-count]\nmethods: [start]\nrepeats: 3\nconcurrency: 3\nsizes: { val: 8, test: 8 }\nmodels: { task: "counting:m" }\n',
          'pool.yaml',
        );
        const plan = planExperiment(e, dir);
        const progress = new SweepProgress(plan.runs, { out: () => {}, err: () => {} });
        const result = await runSweep(plan, { cache: undefined, progress, modelConcurrency: 2 });
        progress.close();
        expect(result.done).toHaveLength(3);
        expect(result.failed).toEqual([]);
        // Three runs of 16 evaluations each would put far more than 2 calls in flight without the shared limit.
        expect(counting.peak()).toBe(2);
      } finally {
        counting.unregister();
      }
    },
  );
});
