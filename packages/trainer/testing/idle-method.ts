/** TEST SUPPORT: a method whose steps change nothing, for tests about what the trainer does around them. */
import type { MethodFactory } from '../src/method';
import { fixedMethod } from './fixed-method';

/** `steps` steps that try nothing and keep every value (registered as `name`). */
export function idleMethod(name: string, steps: number): MethodFactory<Record<string, never>> {
  return fixedMethod(
    name,
    `${steps} idle step(s)`,
    () => ({
      name,
      batchSize: 0,
      steps: () => steps,
      step: async (run) => ({
        phase: name,
        batch: [],
        tried: 0,
        attempts: [],
        accepted: false,
        bestVal: run.bestVal,
      }),
      state: () => null,
      restore: () => {},
    }),
    steps,
  );
}
