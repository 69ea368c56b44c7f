/**
 * The methods an experiment may name: every method of the trainer's registry that the runner registers
 * (src/methods.ts; `start`, the starting prompt evaluated only, is one of them). A new method is known
 * here as soon as it is registered.
 * A GDPO ablation variant is `gdpo.<switch>[+<switch>]`, e.g. `gdpo.noHistory` (see `autodiff ablate`).
 */
import { DEFAULT_ABLATIONS } from '@llm-autodiff/gdpo';
import { methods } from '../methods';

/** The registered methods' names, sorted. */
function knownMethods(): string[] {
  return methods.list().map((m) => m.name);
}

export const ABLATION_NAMES = Object.keys(DEFAULT_ABLATIONS) as Array<keyof typeof DEFAULT_ABLATIONS>;

export interface MethodId {
  /** A registered method's name. */
  base: string;
  /** GDPO switches turned on (empty for the plain method). */
  ablations: string[];
}

/** Parses a method name; a mistake is a message naming the known methods or switches. */
export function parseMethod(name: string): MethodId | string {
  const [base = '', suffix] = name.split('.', 2);
  if (!methods.has(base)) return `unknown method "${name}" (known: ${knownMethods().join(', ')})`;
  if (suffix === undefined) return { base, ablations: [] };
  if (base !== 'gdpo') return `method "${name}": only gdpo takes ablation switches`;
  const ablations = suffix.split('+');
  for (const a of ablations)
    if (!(ABLATION_NAMES as string[]).includes(a))
      return `method "${name}": unknown ablation "${a}" (known: ${ABLATION_NAMES.join(', ')})`;
  return { base: 'gdpo', ablations };
}
