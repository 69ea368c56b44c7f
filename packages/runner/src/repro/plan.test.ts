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

  it('gives each method its own config: GDPO its fields of config, a baseline only methodConfig.<method>', () => {
    const e = parseExperiment(
      `name: m
pipelines: [trec, hotpot-vanilla]
methods: [gdpo, textgrad, bfsrs]
config: { steps: 3, concurrency: 2 }
methodConfig:
  textgrad: { epochs: 1 }
overrides:
  - pipelines: [trec]
    methodConfig:
      textgrad: { stepsPerEpoch: 2 }
      gdpo: { proposalsPerStep: 1 }
`,
      'm.yaml',
    );
    const plan = planExperiment(e, '/r');
    const mc = (id: string) => plan.runs.find((x) => x.runId === id)?.methodConfig;
    expect(mc('trec__gdpo__r0')).toMatchObject({ steps: 3, proposalsPerStep: 1 });
    expect(mc('hotpot-vanilla__gdpo__r0')).toMatchObject({ steps: 3 });
    expect(mc('hotpot-vanilla__gdpo__r0')?.proposalsPerStep).toBeUndefined();
    expect(mc('trec__textgrad__r0')).toEqual({ epochs: 1, stepsPerEpoch: 2 });
    expect(mc('hotpot-vanilla__textgrad__r0')).toEqual({ epochs: 1 });
    expect(mc('trec__bfsrs__r0')).toEqual({});
    // The trainer settings stay shared by every method.
    expect(plan.runs.find((x) => x.runId === 'trec__textgrad__r0')?.config.concurrency).toBe(2);
  });

  it('does not plan a demos-only method on a pipeline without a demos slot, and says so in one line', () => {
    const e = parseExperiment(
      'name: d\npipelines: [trec, hotpot-vanilla]\nmethods: [bfsrs, gdpo]\n',
      'd.yaml',
    );
    const plan = planExperiment(e, '/r');
    expect(plan.runs.map((r) => r.runId)).toEqual([
      'trec__bfsrs__r0',
      'trec__gdpo__r0',
      'hotpot-vanilla__gdpo__r0',
    ]);
    expect(plan.unsupported).toEqual([
      'bfsrs on hotpot-vanilla: it tunes demos only and these pipelines have no demos slot',
    ]);
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
