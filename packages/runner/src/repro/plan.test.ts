import { describe, expect, it } from 'vitest';
import { loadExperiment, parseExperiment } from '../experiment/load';
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
    expect(plan.runs.find((x) => x.runId === 'trec__gdpo.noHistory__r0')?.config.ablations).toMatchObject({
      noHistory: true,
      noPeers: false,
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
    // Not set by the experiment: the preset's (the reference script's 5 proposals).
    expect(mc('hotpot-vanilla__gdpo__r0')?.proposalsPerStep).toBe(5);
    expect(mc('trec__textgrad__r0')).toEqual({ epochs: 1, stepsPerEpoch: 2 });
    expect(mc('hotpot-vanilla__textgrad__r0')).toEqual({ epochs: 1 });
    expect(mc('trec__bfsrs__r0')).toEqual({});
    // The trainer settings stay shared by every method.
    expect(plan.runs.find((x) => x.runId === 'trec__textgrad__r0')?.config.concurrency).toBe(2);
  });

  it("starts every run from its pipeline's preset, as train does; the experiment's layers win in order", () => {
    const e = parseExperiment(
      `name: p
pipelines: [object-count, hotpot-multihop, hotpot-cycle]
methods: [gdpo, gdpo.noHistory, textgrad]
repeats: 2
seed: 7
config: { batchSize: 3 }
methodConfig:
  gdpo: { historySize: 1 }
  textgrad: { epochs: 1 }
overrides:
  - pipelines: [hotpot-cycle]
    config: { historySize: 4, concurrency: 3 }
  - methods: [gdpo.noHistory]
    methodConfig:
      gdpo: { ablations: { noPeers: true } }
`,
      'p.yaml',
    );
    const run = (id: string) => {
      const r = plan.runs.find((x) => x.runId === id);
      if (!r) throw new Error(`no run ${id}`);
      return r;
    };
    const plan = planExperiment(e, '/r');
    // hotpot-cycle: the reference script's 24 steps and its teacher's sampling (gpt-3.5), the file's
    // batch, and the override's history over methodConfig.gdpo's.
    const cycle = run('hotpot-cycle__gdpo__r1');
    expect(cycle.preset).toMatchObject({
      preset: 'adalflow:hotpot-cycle',
      source: 'benchmarks/hotpot_qa/adal_exp/train_multi_hop_rag_cycle.py',
    });
    expect(cycle.methodConfig).toMatchObject({
      steps: 24,
      batchSize: 3,
      historySize: 4,
      failedRendering: 'reference',
    });
    expect(cycle.preset.settings.models.teacher).toMatchObject({ temperature: 0, maxTokens: 2000 });
    expect(cycle.preset.settings.trainer).toEqual({ seed: 8, concurrency: 3, earlyStopValidation: true });
    expect(cycle.config).toMatchObject({ steps: 24, seed: 8, concurrency: 3 });
    expect(cycle.preset.overridden.sort()).toEqual([
      'gdpo.batchSize',
      'gdpo.historySize',
      'trainer.concurrency',
      'trainer.seed',
    ]);
    // object-count: its own preset; methodConfig.gdpo's history wins over the preset's 2.
    expect(run('object-count__gdpo__r0').methodConfig).toMatchObject({ steps: 12, historySize: 1 });
    // multi-hop: the script's 10 workers for every method, GDPO or not.
    expect(run('hotpot-multihop__gdpo__r0').preset.settings.trainer.concurrency).toBe(10);
    expect(run('hotpot-multihop__textgrad__r0').preset.settings.trainer.concurrency).toBe(10);
    // The method id's ablation comes last, merged with the override's.
    expect(run('object-count__gdpo.noHistory__r0').methodConfig.ablations).toMatchObject({
      noHistory: true,
      noPeers: true,
      noBackward: false,
    });
    // A baseline keeps its own config: no GDPO field of the preset reaches it.
    expect(run('hotpot-cycle__textgrad__r0').methodConfig).toEqual({ epochs: 1 });
  });

  it("plans paper with the scripts' settings: hotpot-cycle 24 steps, multi-hop history 5 and 10 workers", () => {
    const plan = planExperiment(loadExperiment('paper'), '/r');
    const gdpo = (p: string) => plan.runs.find((x) => x.runId === `${p}__gdpo__r0`);
    expect(gdpo('hotpot-cycle')?.methodConfig).toMatchObject({ steps: 24, historySize: 3 });
    expect(gdpo('hotpot-multihop')?.methodConfig).toMatchObject({ steps: 12, historySize: 5 });
    expect(gdpo('hotpot-multihop')?.preset.settings.trainer.concurrency).toBe(10);
    expect(gdpo('trec')?.preset.overridden).toEqual([]);
  });

  it('takes any part of the settings (as train --config): sampling and the parser, per override too', () => {
    const e = parseExperiment(
      `name: s
pipelines: [object-count, trec]
methods: [gdpo]
config: { historySize: 4 }
settings:
  gdpo: { historySize: 1 }
  models: { task: { temperature: 0.3 } }
overrides:
  - pipelines: [object-count]
    settings: { pipeline: { objectCountParser: reference }, models: { optimizer: { topP: 0.5 } } }
`,
      's.yaml',
    );
    const plan = planExperiment(e, '/r');
    const settingsOf = (id: string) => plan.runs.find((x) => x.runId === id)?.preset.settings;
    // `settings` comes after `config` at the same level.
    expect(settingsOf('trec__gdpo__r0')?.gdpo.historySize).toBe(1);
    expect(settingsOf('trec__gdpo__r0')?.models.task).toMatchObject({ temperature: 0.3, topP: 0.99 });
    expect(settingsOf('trec__gdpo__r0')?.pipeline.objectCountParser).toBe('ours');
    expect(settingsOf('object-count__gdpo__r0')?.pipeline.objectCountParser).toBe('reference');
    expect(settingsOf('object-count__gdpo__r0')?.models.optimizer).toMatchObject({
      temperature: 1,
      topP: 0.5,
    });
    expect(() =>
      parseExperiment(
        'name: b\npipelines: [trec]\nmethods: [gdpo]\nsettings:\n  models: { task: { temprature: 0 } }\n',
        'b.yaml',
      ),
    ).toThrow(/^b\.yaml:5: settings\.models\.task: Unrecognized key\(s\) in object: 'temprature'$/);
  });

  it('a custom pipeline starts from the shared defaults (as train --program does)', () => {
    const e = parseExperiment('name: c\npipelines: [trec]\nmethods: [gdpo]\n', 'c.yaml');
    // The plan only sees names: a registered custom pipeline is one it has no preset for.
    const plan = planExperiment({ ...e, pipelines: ['mine'] }, '/r');
    const [r] = plan.runs;
    expect(r?.preset.preset).toBe('default');
    expect(r?.methodConfig).toMatchObject({ steps: 12, historySize: 3 });
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
