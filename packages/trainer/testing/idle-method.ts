/** TEST SUPPORT: a method whose steps change nothing, for tests about what the trainer does around them. */
import { z } from 'zod';
import { onePhase } from '../src/cost-model';
import { refused } from '../src/general-flags';
import { defineMethod, type MethodFactory } from '../src/method';
import { emptyGates } from '../src/step-records';

/** `steps` steps that try nothing and keep every value (registered as `name`). */
export function idleMethod(name: string, steps: number): MethodFactory<Record<string, never>> {
  return defineMethod<Record<string, never>>({
    name,
    description: `${steps} idle step(s)`,
    tunes: ['prompt'],
    configSchema: z.object({}).strict(),
    flags: { steps: refused('fixed steps'), batch: refused('no batches') },
    costModel: { phaseOf: onePhase, drivers: () => ({}), steps: () => steps },
    create: () => ({
      name,
      batchSize: 0,
      steps: () => steps,
      step: async (run) => ({
        phase: name,
        batch: [],
        gates: emptyGates(),
        attempts: [],
        accepted: false,
        bestVal: run.bestVal,
      }),
      state: () => null,
      restore: () => {},
      abandon: () => {},
    }),
  });
}
