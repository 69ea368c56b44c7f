/**
 * The methods `autodiff train --method` and experiments know. A new method is its own folder plus one
 * line here: its factory describes its config, cost model and flags (see trainer's README, "A method").
 */
import { BASELINE_METHODS } from '@llm-autodiff/baselines';
import { gdpoMethod } from '@llm-autodiff/gdpo';
import { methods, startMethod } from '@llm-autodiff/trainer';

for (const m of [startMethod, gdpoMethod, ...BASELINE_METHODS]) if (!methods.has(m.name)) methods.register(m);

export { methods };
