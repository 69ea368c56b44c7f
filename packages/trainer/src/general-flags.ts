/**
 * The general run options every method is asked about (`--steps N`, `--batch N` on the command line):
 * each method says which of its config fields a value sets, or refuses it in one line naming its own
 * field to use instead. A run's budget (`--budget`) is the trainer's and applies to every method alike.
 */
import { MethodConfigError } from './method-config';

export const GENERAL_FLAGS = ['steps', 'batch'] as const;
export type GeneralFlag = (typeof GENERAL_FLAGS)[number];

export type FlagUse =
  | {
      /** What the value sets, for help texts, e.g. `steps` or `epochs=1, stepsPerEpoch=N`. */
      sets: string;
      /** The config fields the value `n` sets. */
      fields(n: number): Record<string, unknown>;
    }
  | {
      /** Why the flag means nothing for this method and what to use instead (one line). */
      refused: string;
    };

export type GeneralFlags = Record<GeneralFlag, FlagUse>;

/** The value sets one config field. */
export const setsField = (field: string): FlagUse => ({ sets: field, fields: (n) => ({ [field]: n }) });

/** The flag is refused, with the method's own setting to use instead. */
export const refused = (why: string): FlagUse => ({ refused: why });

/**
 * The config fields the general options set for `method` (a factory's `flags`); a refused option throws
 * a one-line input error naming the method's own setting.
 */
export function generalFlagFields(
  method: { name: string; flags: GeneralFlags },
  given: Partial<Record<GeneralFlag, number>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const flag of GENERAL_FLAGS) {
    const n = given[flag];
    if (n === undefined) continue;
    const use = method.flags[flag];
    if ('refused' in use)
      throw new MethodConfigError(`--${flag} does not apply to ${method.name}: ${use.refused}`);
    Object.assign(out, use.fields(n));
  }
  return out;
}

/** One help line per general option: which config field it sets for `method`, or why it is refused. */
export function generalFlagHelp(method: { name: string; flags: GeneralFlags }): string[] {
  return GENERAL_FLAGS.map((flag) => {
    const use = method.flags[flag];
    return 'refused' in use ? `--${flag}: refused (${use.refused})` : `--${flag} N sets ${use.sets}`;
  });
}
