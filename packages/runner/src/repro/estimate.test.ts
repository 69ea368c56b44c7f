import { describe, expect, it } from 'vitest';
import { parseExperiment } from '../experiment/load';
import { estimate, formatEstimate, isPaid } from './estimate';
import { planExperiment } from './plan';
import type { StepCountTable } from './step-counts';

const table: StepCountTable = {
  measured: 'test',
  reference: { batchSize: 4, proposalsPerStep: 2, val: 10, test: 10, steps: 1 },
  pipelines: {
    trec: {
      eval: { callsPerExample: { task: 1 }, tokensPerCall: { task: { prompt: 100, completion: 10 } } },
      step: {
        calls: { task: 20, backward: 4, optimizer: 2 },
        tokensPerCall: {
          task: { prompt: 100, completion: 10 },
          backward: { prompt: 1000, completion: 50 },
          optimizer: { prompt: 2000, completion: 100 },
        },
      },
    },
  },
};

const sizes = () => ({ val: 10, test: 10 });

function plan(models: string, steps: number) {
  const e = parseExperiment(
    `name: e\npipelines: [trec]\nmethods: [start, gdpo]\nconfig: { steps: ${steps}, batchSize: 4, proposalsPerStep: 2 }\n${models}`,
    'e.yaml',
  );
  return planExperiment(e, '/r');
}

describe('dry-run estimate', () => {
  it('counts evaluation calls per example and scales per-step calls by steps', () => {
    const one = estimate(plan('', 1).runs, table, {}, sizes);
    // start: val + test = 20 task calls; gdpo: 20 + final test 10 + 1 step (20 task, 4 backward, 2 optimizer).
    expect(one.byMethod.start?.calls).toBe(20);
    expect(one.byMethod.gdpo?.calls).toBe(30 + 26);
    const three = estimate(plan('', 3).runs, table, {}, sizes);
    expect(three.byRole.backward?.calls).toBe(12);
    expect(three.byRole.optimizer?.promptTokens).toBe(6 * 2000);
    expect(three.total.usd).toBe(0);
    expect(three.paid).toEqual([]);
  });

  it('prices the OpenAI API with the table; local servers are free; unknown prices are listed', () => {
    expect(isPaid('openai:gpt-4o')).toBe(true);
    expect(isPaid('openai:llama@http://localhost:11434/v1')).toBe(false);
    expect(isPaid('sim:task')).toBe(false);
    const runs = plan('models: { task: "openai:gpt-4o" }\n', 1).runs;
    const priced = estimate(runs, table, { 'gpt-4o': { input: 1, output: 10 } }, sizes, (s) => s);
    const t = priced.total;
    expect(t.usd).toBeCloseTo((t.promptTokens * 1 + t.completionTokens * 10) / 1e6, 10);
    expect(priced.paid).toEqual(['openai:gpt-4o']);
    const unpriced = estimate(runs, table, {}, sizes, (s) => s);
    expect(unpriced.unpriced).toEqual(['openai:gpt-4o']);
    expect(formatEstimate(unpriced).join('\n')).toMatch(/no price known for openai:gpt-4o/);
  });
});
