import type { MethodFactory } from '@llm-autodiff/trainer';
import { bfsrsFactory, bootstrapFactory } from './dspy/bootstrap';
import { miproFactory } from './dspy/mipro';
import { gepaFactory } from './gepa/method';
import { textgradFactory } from './textgrad/method';

/** Every baseline method, in the order the runner lists them. */
export const BASELINE_METHODS: readonly MethodFactory[] = [
  textgradFactory,
  bootstrapFactory,
  bfsrsFactory,
  miproFactory,
  gepaFactory,
] as readonly MethodFactory[];
