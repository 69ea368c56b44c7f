import { describe, expect, it } from 'vitest';
import { parseExperiment } from '../experiment/load';
import { planExperiment } from './plan';

const exp = parseExperiment(
  `name: t
pipelines: [object-count, trec]
methods: [start, gdpo, textgrad, gdpo.noHistory]
repeats: 2
seed: 10
sizes: { val: 5 }
config: { steps: 2 }
overrides:
  - pipelines: [trec]
    methods: [gdpo]
    config: { steps: 4 }
`,
  't.yaml',
);

describe('planExperiment', () => {
  it('expands pipelines x methods x repeats (every known method is registered: none skipped)', () => {
    const plan = planExperiment(exp, '/r');
    expect(plan.skipped).toEqual([]);
    expect(plan.runs).toHaveLength(2 * 4 * 2);
    expect(plan.runs.map((r) => r.runId)).toContain('trec__textgrad__r0');
    expect(plan.runs.map((r) => r.runId)).toContain('trec__gdpo.noHistory__r1');
    expect(plan.root).toBe('/r/t');
    const r = plan.runs.find((x) => x.runId === 'object-count__gdpo__r1');
    expect(r).toMatchObject({
      seed: 11,
      dir: '/r/t/runs/object-count__gdpo__r1',
      sizes: { val: 5 },
      simulated: true,
    });
  });

  it('applies overrides to the runs they match (the base method name matches its variants too)', () => {
    const plan = planExperiment(exp, '/r');
    const steps = (id: string) => plan.runs.find((x) => x.runId === id)?.config.steps;
    expect(steps('trec__gdpo__r0')).toBe(4);
    expect(steps('trec__gdpo.noHistory__r0')).toBe(4);
    expect(steps('object-count__gdpo__r0')).toBe(2);
    expect(plan.runs.find((x) => x.runId === 'trec__gdpo.noHistory__r0')?.config.ablations).toEqual({
      noHistory: true,
    });
  });

  it('command-line models win; a real task model is not paired with simulated helpers', () => {
    const plan = planExperiment(exp, '/r', { task: 'openai:gpt-4o-mini' });
    expect(plan.models).toEqual({
      task: 'openai:gpt-4o-mini',
      backward: 'openai:gpt-4o-mini',
      optimizer: 'openai:gpt-4o-mini',
      teacher: 'openai:gpt-4o-mini',
    });
    expect(plan.simulated).toBe(false);
  });
});
