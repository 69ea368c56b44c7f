import { type Parameter, trainableParameters } from '@llm-autodiff/core';

/**
 * The values a run starts from: every trainable prompt and demos slot by name. `repro` records them in
 * run.json and `train` in its results file, so the report shows a prompt's evolution from its first text.
 */
export function trainableValues(program: { parameters(): Parameter[] }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of trainableParameters(program))
    if (p.kind === 'prompt' || p.kind === 'demos') out[p.name] = p.value;
  return out;
}
