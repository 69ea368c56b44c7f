/**
 * GDPO as a registered trainer method (`gdpo`): the text phase (gradient-driven prompt optimization),
 * then, when the pipeline has a trainable demos slot and `demos.steps > 0`, the demo phase (bootstrap
 * few-shot). Step numbers continue across the phases.
 */
import { trainableDemos, trainablePrompts } from '@llm-autodiff/core';
import {
  defineMethod,
  type Method,
  type MethodSetup,
  setsField,
  TrainerInputError,
} from '@llm-autodiff/trainer';
import { type GdpoConfig, gdpoConfigSchema } from './config';
import { gdpoCostModel } from './cost-model';
import { DemoOptimizer, GdpoDemoMethod } from './demo-method';
import { GdpoTextMethod } from './text-method';

export const gdpoMethod = defineMethod<GdpoConfig>({
  name: 'gdpo',
  description:
    'GDPO (gradient-driven prompt optimization) with two validation gates, then optional bootstrap demos',
  tunes: ['prompt', 'demos'],
  // The demos slot only with a demo phase.
  tunesWith: (c) => (c.demos.steps > 0 ? ['prompt', 'demos'] : ['prompt']),
  configSchema: gdpoConfigSchema,
  flags: { steps: setsField('steps'), batch: setsField('batchSize') },
  costModel: gdpoCostModel,
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
});
