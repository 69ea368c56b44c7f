/**
 * Parameter values by name. Candidates and checkpoints speak names, because parameter ids
 * differ between processes (a resumed run rebuilds the program).
 */
import type { Parameter } from '@llm-autodiff/core';

export type Values = Record<string, unknown>;

export function readValues(params: readonly Parameter[]): Values {
  return Object.fromEntries(params.map((p) => [p.name, structuredClone(p.value)]));
}

export function applyValues(params: readonly Parameter[], values: Values): void {
  for (const p of params) if (p.name in values) p.value = structuredClone(values[p.name]);
}

/** Strings for step records: prompts as they are, demos rendered. */
export function displayValues(params: readonly Parameter[], values: Values): Record<string, string> {
  return Object.fromEntries(
    params
      .filter((p) => p.name in values)
      .map((p) => {
        const v = values[p.name];
        return [p.name, typeof v === 'string' ? v : JSON.stringify(v)];
      }),
  );
}
