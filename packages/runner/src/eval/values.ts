/**
 * The parameter values `autodiff eval` scores, from any file a researcher has at hand: a JSON map of
 * parameter name → value, a `train` results file (`result.values`), a repro run record (`values.final`)
 * or a checkpoint (`values`). Every name must be a parameter of the pipeline; a prompt takes a string, a
 * demos slot a list. Mistakes are one `EvalInputError` line naming the file and the parameter.
 */
import { readFile } from 'node:fs/promises';
import type { ErrorKind } from '@llm-autodiff/llm';

/** A values file, task or pipeline `eval` cannot use: one line, exit 2 (kind `input`), nothing written. */
export class EvalInputError extends Error {
  override name = 'EvalInputError';
  readonly errorKind: ErrorKind = 'input';
}

export interface ParameterSlot {
  name: string;
  /** A demos slot takes a list; a prompt a string. */
  kind: 'prompt' | 'demos' | string;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The name → value map inside any of the accepted file shapes, and which shape it was. */
export function valuesIn(raw: unknown): { values: Record<string, unknown>; source: string } {
  if (!isRecord(raw)) throw new EvalInputError('expected a JSON object');
  if (
    typeof raw.format === 'string' &&
    raw.format.startsWith('llm-autodiff/checkpoint') &&
    isRecord(raw.values)
  )
    return { values: raw.values, source: 'checkpoint' };
  if (isRecord(raw.result) && isRecord(raw.result.values))
    return { values: raw.result.values, source: 'train results' };
  if (typeof raw.format === 'string' && raw.format.startsWith('llm-autodiff/run') && isRecord(raw.values)) {
    const final = raw.values.final;
    if (!isRecord(final)) throw new EvalInputError('the run record has no final values (an unfinished run?)');
    // A run record nests values by pipeline name: { final: { trec: { instruction: … } } }.
    return { values: flattenRunValues(final), source: 'run record' };
  }
  return { values: raw, source: 'values map' };
}

/** `{ trec: { instruction: v } }` → `{ 'trec.instruction': v }`; an already flat map stays as it is. */
function flattenRunValues(final: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(final)) {
    if (isRecord(v)) for (const [inner, value] of Object.entries(v)) out[`${k}.${inner}`] = value;
    else out[k] = v;
  }
  return out;
}

/** Checks names and types against the pipeline's slots; returns the values to set. */
export function checkValues(
  values: Record<string, unknown>,
  slots: readonly ParameterSlot[],
): Map<string, unknown> {
  const byName = new Map(slots.map((s) => [s.name, s]));
  const out = new Map<string, unknown>();
  for (const [name, value] of Object.entries(values)) {
    const slot = byName.get(name);
    if (!slot)
      throw new EvalInputError(
        `"${name}" is not a parameter of this pipeline (its parameters: ${slots.map((s) => s.name).join(', ')})`,
      );
    if (slot.kind === 'demos' ? !Array.isArray(value) : typeof value !== 'string')
      throw new EvalInputError(`"${name}" must be ${slot.kind === 'demos' ? 'a list of demos' : 'a string'}`);
    out.set(name, value);
  }
  return out;
}

export async function readValuesFile(
  path: string,
): Promise<{ values: Record<string, unknown>; source: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new EvalInputError(
      `cannot read --values ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new EvalInputError(`--values ${path} is not JSON: ${(e as Error).message}`);
  }
  try {
    return valuesIn(raw);
  } catch (e) {
    throw new EvalInputError(`--values ${path}: ${(e as Error).message}`);
  }
}
