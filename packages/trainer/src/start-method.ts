/**
 * `start`: the starting program, evaluated and not trained. A method with zero steps, so it runs through
 * the same loop, records and checkpoints as every other method (initial validation and test; the final
 * test of an unchanged program is the initial one).
 */
import { z } from 'zod';
import { onePhase } from './cost-model';
import { refused } from './general-flags';
import { defineMethod, type Method } from './method';

const startConfigSchema = z.object({}).strict();

const evaluationOnly: Method<unknown, null> = {
  name: 'start',
  batchSize: 0,
  steps: () => 0,
  step: () => {
    throw new Error('start: a method without steps was asked for one');
  },
  state: () => null,
  restore: () => {},
  abandon: () => {},
};

export const startMethod = defineMethod<Record<string, never>>({
  name: 'start',
  description: 'the starting program, evaluated only (zero steps): the baseline every method is compared to',
  tunes: [],
  configSchema: startConfigSchema,
  flags: {
    steps: refused('it only evaluates the starting program (zero steps)'),
    batch: refused('it only evaluates the starting program (no batches)'),
  },
  costModel: { phaseOf: onePhase, drivers: () => ({}), steps: () => 0 },
  create: <E>() => evaluationOnly as Method<E, null>,
});
