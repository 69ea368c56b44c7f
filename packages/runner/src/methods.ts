/**
 * The methods `autodiff train --method` knows. A new method is its own package file plus one line here.
 */
import { BASELINE_METHODS } from '@llm-autodiff/baselines';
import { gdpoMethod } from '@llm-autodiff/gdpo';
import { methods } from '@llm-autodiff/trainer';

for (const m of [gdpoMethod, ...BASELINE_METHODS]) if (!methods.has(m.name)) methods.register(m);

export { methods };
