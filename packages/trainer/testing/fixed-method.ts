/**
 * TEST SUPPORT: a method factory without config or general flags around a hand-written `Method`, for
 * trainer tests that drive the loop with a method of their own (its steps are fixed by the method).
 */
import { z } from 'zod';
import { onePhase } from '../src/cost-model';
import { refused } from '../src/general-flags';
import { defineMethod, type MethodDefinition, type MethodFactory } from '../src/method';

export function fixedMethod(
  name: string,
  description: string,
  create: MethodDefinition<Record<string, never>>['create'],
  steps = 1,
): MethodFactory<Record<string, never>> {
  return defineMethod<Record<string, never>>({
    name,
    description,
    tunes: ['prompt'],
    configSchema: z.object({}).strict(),
    flags: { steps: refused('its steps are fixed'), batch: refused('its batches are fixed') },
    costModel: { phaseOf: onePhase, drivers: () => ({}), steps: () => steps },
    create,
  });
}
