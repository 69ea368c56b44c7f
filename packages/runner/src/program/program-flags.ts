/**
 * `autodiff train --program <file>#<export> [--train F --val F --test F] [--fields FIELD=COLUMN,…]`:
 * loads the program and its data and registers them as a pipeline (tasks' `registerPipeline`), then
 * hands the train command the ordinary `--task/--pipeline <name>` flags, so budget, checkpoint, resume,
 * report and results work as for the built-in pipelines. `--train/--val/--test N` (an integer) still
 * means "the first N examples".
 */
import { basename, extname } from 'node:path';
import { parseFieldMapping } from '@llm-autodiff/tasks';
import { loadProgramModule, ProgramModuleError, parseProgramRef } from './program-module';
import { registerProgram } from './register';

export const PROGRAM_USAGE = `  --program FILE#EXPORT   train your own program (TS or JS, no build step): a Program, a (deps) => Program
                          factory, or { create(deps), load() } with its own data
  --train FILE --val FILE [--test FILE]   its data (.jsonl, .json or .csv; test defaults to val)
  --fields F=COL[,…]      map file columns to the fields the program reads`;

const SPLITS = ['--train', '--val', '--test'] as const;

/** Takes `flag value` / `flag=value` out of argv; returns the value (last one wins). */
function take(argv: string[], flag: string, keep?: (value: string) => boolean): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const inline = a.startsWith(`${flag}=`) ? a.slice(flag.length + 1) : undefined;
    const value = inline ?? (a === flag ? argv[i + 1] : undefined);
    if (value === undefined || keep?.(value)) continue;
    found = value;
    argv.splice(i, inline === undefined ? 2 : 1);
    i--;
  }
  return found;
}

/** A pipeline name from the reference: the export name, or the file's base name for a default export. */
export function pipelineNameOf(ref: string): string {
  const { file, exportName } = parseProgramRef(ref);
  const raw = exportName === 'default' ? basename(file, extname(file)) : exportName;
  return raw.replace(/[^a-z0-9._-]/gi, '-').replace(/^[^a-z0-9]+/i, '') || 'program';
}

/**
 * Without `--program`: argv unchanged. With it: registers the program and returns argv with
 * `--task <name> --pipeline <name>` in place of the program and data-file flags.
 */
export async function programArgv(argv: readonly string[], cwd = process.cwd()): Promise<string[]> {
  const rest = [...argv];
  const ref = take(rest, '--program');
  if (ref === undefined) return rest;
  if (
    rest.some(
      (a) => a === '--task' || a.startsWith('--task=') || a === '--pipeline' || a.startsWith('--pipeline='),
    )
  )
    throw new ProgramModuleError('--program cannot be combined with --task or --pipeline');
  const isCount = (v: string) => /^\d+$/.test(v);
  const files = Object.fromEntries(SPLITS.map((flag) => [flag, take(rest, flag, isCount)]));
  const mapping = parseFieldMapping(take(rest, '--fields'));
  const program = await loadProgramModule(ref, cwd);
  const given = SPLITS.filter((flag) => files[flag] !== undefined);
  if (given.length > 0 && (files['--train'] === undefined || files['--val'] === undefined))
    throw new ProgramModuleError(
      '--program: give both --train FILE and --val FILE (and optionally --test FILE)',
    );
  if (given.length === 0 && !program.load)
    throw new ProgramModuleError(
      `--program ${ref}: no data; give --train FILE --val FILE [--test FILE], or export { create, load } from the module`,
    );
  const name = pipelineNameOf(ref);
  const [train, val, test] = SPLITS.map((flag) => files[flag]);
  registerProgram(name, program, train && val ? { train, val, test, fields: mapping } : undefined);
  return ['--task', name, '--pipeline', name, ...rest];
}
