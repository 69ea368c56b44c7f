import { UsageError } from './usage-error';

/**
 * `--flag value` and `--flag=value` pairs of a command, keyed by `known[flag]`; `switches` take no value
 * (their key maps to 'true'). Anything else is a `UsageError` naming the flag or argument.
 */
export function parseFlags(
  args: readonly string[],
  known: Readonly<Record<string, string>>,
  switches: ReadonlySet<string> = new Set(),
): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [name, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const key = known[name];
    if (!key)
      throw new UsageError(
        arg.startsWith('-') ? `unknown flag ${name}` : `unexpected argument ${JSON.stringify(arg)}`,
      );
    if (switches.has(name)) {
      if (inline !== undefined) throw new UsageError(`flag ${name} takes no value`);
      out.set(key, 'true');
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--')))
      throw new UsageError(`flag ${name} needs a value`);
    out.set(key, value);
  }
  return out;
}

/**
 * The items of a comma-separated flag value, trimmed. An empty item (`noHistory,,`, a trailing comma, an
 * empty value) is refused: silently dropping it would hide a typo such as a name lost in editing.
 */
export function listItems(flag: string, value: string): string[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === ''))
    throw new UsageError(`${flag}: empty item in ${JSON.stringify(value)} (a doubled or trailing comma?)`);
  return items;
}
