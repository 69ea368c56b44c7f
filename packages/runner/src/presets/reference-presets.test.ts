import { resolveGdpoConfig } from '@llm-autodiff/gdpo';
import { PIPELINE_NAMES } from '@llm-autodiff/tasks';
import { describe, expect, it } from 'vitest';
import { PRESETS, presetOf } from './reference-presets';
import { settingsSchema } from './settings';

/**
 * The reference's scripts at 32fd7b536, written out independently of the presets module: per pipeline,
 * max_steps, text_optimizers_config_kwargs.max_past_history, bootstrap/raw shots, weighted_sampling,
 * exclude_input_fields_from_bootstrap_demos (inverted), num_workers, and the teacher model.
 */
const REFERENCE = {
  'object-count': {
    steps: 12,
    history: 2,
    shots: [1, 0],
    weighted: false,
    inputs: false,
    workers: 4,
    teacher: 'gpt-4o',
  },
  trec: {
    steps: 12,
    history: 2,
    shots: [4, 36],
    weighted: true,
    inputs: true,
    workers: 4,
    teacher: 'gpt-4o',
  },
  'hotpot-vanilla': {
    steps: 12,
    history: 2,
    shots: [4, 0],
    weighted: false,
    inputs: false,
    workers: 4,
    teacher: 'gpt-4o',
  },
  'hotpot-multihop': {
    steps: 12,
    history: 5,
    shots: [2, 2],
    weighted: false,
    inputs: false,
    workers: 10,
    teacher: 'gpt-4o',
  },
  'hotpot-cycle': {
    steps: 24,
    history: 3,
    shots: [4, 0],
    weighted: true,
    inputs: false,
    workers: 4,
    teacher: 'gpt-3.5-turbo-0125',
  },
  'hotpot-agent': {
    steps: 12,
    history: 5,
    shots: [4, 0],
    weighted: true,
    inputs: false,
    workers: 4,
    teacher: 'gpt-4o',
  },
} as const;

describe('reference presets', () => {
  it('every pipeline has a complete preset that GDPO accepts', () => {
    expect(Object.keys(PRESETS).sort()).toEqual([...PIPELINE_NAMES].sort());
    for (const p of PIPELINE_NAMES) {
      const preset = PRESETS[p];
      // strict: a missing or unknown field fails
      expect(() => settingsSchema.parse(preset.settings), p).not.toThrow();
      expect(resolveGdpoConfig(preset.settings.gdpo)).toEqual(preset.settings.gdpo);
      expect(preset.name).toBe(`adalflow:${p}`);
      expect(preset.source).toMatch(/\.py$/);
    }
  });

  it("values match the reference scripts' table", () => {
    for (const p of PIPELINE_NAMES) {
      const { gdpo, trainer, models } = PRESETS[p].settings;
      const ref = REFERENCE[p];
      expect(
        {
          steps: gdpo.steps,
          history: gdpo.historySize,
          shots: [gdpo.demos.bootstrapShots, gdpo.demos.rawShots],
          weighted: gdpo.demos.weighted,
          inputs: gdpo.demos.teacherInputs,
          workers: trainer.concurrency,
          teacher: models.teacher.reference,
        },
        p,
      ).toEqual(ref);
      // Trainer defaults every script keeps.
      expect(gdpo).toMatchObject({
        strategy: 'constrained',
        batchSize: 4,
        proposalsPerStep: 5,
        failedMemory: 5,
        maxErrorSamples: 2,
        maxCorrectSamples: 2,
        skipThreshold: 0.9,
        correctThreshold: 0.5,
        movingBatchCap: 20,
        movingBatchMinErrors: 4,
        perfectSubsetPassesOnEqual: true,
        constraints: [],
        // Our defaults for the behaviour switches (the README's deviations table names the reference's),
        // except failed proposals, rendered as the reference does.
        failedRendering: 'reference',
        onParseFailure: 'keep',
        backwardAccounting: 'paper',
      });
      expect(Object.values(gdpo.ablations).every((on) => on === false)).toBe(true);
      expect(gdpo.demos.steps).toBe(0);
      expect(PRESETS[p].settings.pipeline.objectCountParser).toBe('ours');
      expect(trainer.seed).toBe(2025);
      // use_cases/config.py: gpt_3_model for the task, gpt_4o_model for backward and optimizer.
      expect(models.task).toEqual({
        reference: 'gpt-3.5-turbo-0125',
        temperature: 0,
        topP: 0.99,
        maxTokens: 2000,
      });
      expect(models.backward).toEqual({ reference: 'gpt-4o', temperature: 1, topP: 0.99 });
      expect(models.optimizer).toEqual(models.backward);
    }
  });

  it('presetOf returns a copy', () => {
    const a = presetOf('trec');
    a.settings.gdpo.historySize = 99;
    expect(PRESETS.trec.settings.gdpo.historySize).toBe(2);
  });
});
