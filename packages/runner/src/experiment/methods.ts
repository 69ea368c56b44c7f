/**
 * The methods an experiment may name: `start` (the starting prompt, evaluated only) and every method of
 * the trainer's registry that the runner registers (src/methods.ts). A known name whose method is not
 * registered is skipped with one line saying so, never silently.
 * A GDPO ablation variant is `gdpo.<switch>[+<switch>]`, e.g. `gdpo.noHistory` (see `autodiff ablate`).
 */
import { DEFAULT_ABLATIONS } from '@llm-autodiff/gdpo';
import { methods } from '../methods';

export const KNOWN_METHODS = ['start', 'gdpo', 'textgrad', 'bootstrap', 'bfsrs', 'mipro', 'gepa'] as const;
export type MethodBase = (typeof KNOWN_METHODS)[number];

/** Methods the runner can execute now (see repro/run-one.ts, the one adapter to the trainer). */
export const AVAILABLE_METHODS: ReadonlySet<MethodBase> = new Set(
  KNOWN_METHODS.filter((m) => m === 'start' || methods.has(m)),
);

export const ABLATION_NAMES = Object.keys(DEFAULT_ABLATIONS) as Array<keyof typeof DEFAULT_ABLATIONS>;

export interface MethodId {
  base: MethodBase;
  /** GDPO switches turned on (empty for the plain method). */
  ablations: string[];
}

/** Parses a method name; a mistake is a message naming the known methods or switches. */
export function parseMethod(name: string): MethodId | string {
  const [base = '', suffix] = name.split('.', 2);
  if (!(KNOWN_METHODS as readonly string[]).includes(base))
    return `unknown method "${name}" (known: ${KNOWN_METHODS.join(', ')})`;
  if (suffix === undefined) return { base: base as MethodBase, ablations: [] };
  if (base !== 'gdpo') return `method "${name}": only gdpo takes ablation switches`;
  const ablations = suffix.split('+');
  for (const a of ablations)
    if (!(ABLATION_NAMES as string[]).includes(a))
      return `method "${name}": unknown ablation "${a}" (known: ${ABLATION_NAMES.join(', ')})`;
  return { base: 'gdpo', ablations };
}
