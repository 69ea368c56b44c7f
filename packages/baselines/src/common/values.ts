/**
 * Parameter values by name. Candidates, checkpoints and rollbacks speak names, because parameter ids
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

/** The committed values at the start of a step, restored when the step is abandoned. */
export class Rollback {
  private saved: Values | undefined;
  constructor(private readonly params: readonly Parameter[]) {}
  mark(): void {
    this.saved = readValues(this.params);
  }
  restore(): void {
    if (this.saved) applyValues(this.params, this.saved);
    for (const p of this.params) if (p.proposing) p.revert();
  }
}
