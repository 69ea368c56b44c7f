/**
 * `autodiff methods [name]`: each registered method's own config fields (what `--method-config` takes),
 * read from the method's zod schema by trainer's `configFields`: name, values, default and description.
 * Nothing here names a field, so a new field or method shows up without an edit.
 */
import { configFields, generalFlagHelp, type MethodFactory } from '@llm-autodiff/trainer';
import { Help } from 'commander';
import { methods } from '../methods';

/** Commander's word wrap (the one its own help uses). */
function wrap(text: string, width: number, indent: string): string[] {
  const help = new Help();
  return help
    .boxWrap(text, width - indent.length)
    .split('\n')
    .map((line) => `${indent}${line}`);
}

/** One method's heading, what --steps and --batch set for it, and its config fields. */
function methodConfigHelp(m: MethodFactory, width = 80): string[] {
  const lines = wrap(`${m.name}: ${m.description} (tunes ${m.tunes.join(', ') || 'nothing'})`, width, '');
  lines.push(...wrap(generalFlagHelp(m).join('; '), width, '  '));
  const fields = configFields(m.configSchema);
  if (fields.length === 0) {
    lines.push('  no config fields');
    return lines;
  }
  for (const f of fields) {
    const facts = [f.type, f.default !== undefined ? `default ${f.default}` : undefined];
    lines.push(...wrap(`${f.name}  ${facts.filter(Boolean).join(', ')}`, width, '  '));
    if (f.description) lines.push(...wrap(f.description, width, '      '));
  }
  return lines;
}

/** The listing of `autodiff methods`: every registered method, or the one named. */
export function methodsConfigHelp(name?: string, width = 80): string {
  const chosen = name === undefined ? methods.list() : [methods.get(name)];
  const intro = wrap(
    `Each method's config fields, set with --method-config '{"field": value}' (a nested field as '{"demos": {"steps": 2}}'); unknown fields are refused.`,
    width,
    '',
  );
  return [...intro, ...chosen.flatMap((m) => ['', ...methodConfigHelp(m, width)])].join('\n');
}
