/**
 * What GDPO's calls scale with (trainer's `CostModel`): the text phase forwards its batch, then per
 * proposal the mini-batch gate and (early-stopped) validation; the demo phase draws teacher traces.
 */
import type { CostModel } from '@llm-autodiff/trainer';
import type { GdpoConfig } from './config';

export const gdpoCostModel: CostModel<GdpoConfig> = {
  phaseOf: (p) => (p === 'demo' ? 'demo' : 'text'),
  demosShown: (c) => c.demos.bootstrapShots + c.demos.rawShots,
  steps: (c) => c.steps + c.demos.steps,
  drivers(c, s) {
    const a = c.ablations;
    const text = s.prompts > 0 ? c.steps : 0;
    // The backward subset and the mini-batch gate see at most this many samples (moving batch).
    const subset = c.maxErrorSamples + c.maxCorrectSamples;
    const demoSteps = s.demoSlots > 0 ? c.demos.steps : 0;
    return {
      text: {
        // Forward the batch, then per proposal the mini-batch gate and (early-stopped) validation.
        task: text * (c.batchSize + c.proposalsPerStep * ((a.noMiniBatchGate ? 0 : subset) + s.val)),
        backward: a.noBackward || a.noFeedbackText ? 0 : text * subset,
        optimizer: text * c.proposalsPerStep,
      },
      demo: {
        task: demoSteps * (c.batchSize + s.val),
        teacher: demoSteps * c.batchSize,
      },
    };
  },
};
