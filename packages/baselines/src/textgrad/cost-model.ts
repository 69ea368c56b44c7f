/** What TextGrad's calls scale with (trainer's `CostModel`): per step a batch forward and backward, one TGD call per prompt, one validation. */
import { type CostModel, onePhase } from '@llm-autodiff/trainer';
import type { TextGradConfig } from './method';

export const textgradCostModel: CostModel<TextGradConfig> = {
  phaseOf: onePhase,
  steps: (c) => c.epochs * c.stepsPerEpoch,
  drivers(c, s) {
    const steps = c.epochs * c.stepsPerEpoch;
    const batch = Math.min(c.batchSize, s.train);
    return {
      steps: {
        task: steps * (batch + s.val),
        backward: steps * batch,
        optimizer: steps * s.prompts,
      },
    };
  },
};
