/**
 * GDPO as a registered trainer method (`gdpo`): the text phase (gradient-driven prompt optimization),
 * then, when the pipeline has a trainable demos slot and `demos.steps > 0`, the demo phase (bootstrap
 * few-shot). Step numbers continue across the phases.
 */
import { trainableDemos, trainablePrompts } from '@llm-autodiff/core';
import { type Method, type MethodFactory, type MethodSetup, TrainerInputError } from '@llm-autodiff/trainer';
import { type GdpoConfig, type GdpoConfigInput, resolveGdpoConfig } from './config';
import { DemoOptimizer, GdpoDemoMethod } from './demo-method';
import { GdpoTextMethod } from './text-method';

export const gdpoMethod: MethodFactory<GdpoConfig> = {
  name: 'gdpo',
  description:
    'GDPO (gradient-driven prompt optimization) with two validation gates, then optional bootstrap demos',
  tunes: ['prompt', 'demos'],
  resolveConfig(input: unknown): GdpoConfig {
    if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input)))
      throw new TrainerInputError('gdpo config: expected an object of settings');
    return resolveGdpoConfig(input as GdpoConfigInput | undefined);
  },
  create<E>({ config, program, teacher, models, cacheSalt }: MethodSetup<GdpoConfig, E>): Method<E>[] {
    const phases: Method<E>[] = [];
    if (trainablePrompts(program).length > 0) {
      if (!models.optimizer)
        throw new TrainerInputError('gdpo: models.optimizer is required to tune prompts');
      phases.push(new GdpoTextMethod(config, program, models.optimizer, cacheSalt));
    }
    const demoParams = trainableDemos(program);
    if (demoParams.length > 0 && config.demos.steps > 0) {
      const optimizer = new DemoOptimizer<E>(demoParams, config.demos, teacher);
      phases.push(new GdpoDemoMethod(optimizer, { steps: config.demos.steps, batchSize: config.batchSize }));
    }
    return phases;
  },
};
