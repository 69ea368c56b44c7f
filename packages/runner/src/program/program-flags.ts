/**
 * `autodiff train --program <file>#<export> [--train F --val F --test F] [--fields FIELD=COLUMN,…]`:
 * loads the program and its data and registers them as a pipeline (tasks' `registerPipeline`), then
 * hands the train command the ordinary `--task/--pipeline <name>` values, so budget, checkpoint, resume,
 * report and results work as for the built-in pipelines. `--train/--val/--test N` (an integer) still
 * means "the first N examples".
 */
import { basename, extname } from 'node:path';
import type { Option } from 'commander';
import { option, text } from '../commands/options';
import { parseFieldMapping } from './data-files';
import { loadProgramModule, ProgramModuleError, parseProgramRef } from './program-module';
import { registerProgram } from './register';

export function programOptions(): Option[] {
  return [
    option(
      '--program <file#export>',
      'train your own program (TS or JS, no build step): a Program, a (deps) => Program factory, or { create(deps), load() } with its own data; its data: --train FILE --val FILE [--test FILE] (.jsonl, .json or .csv; test defaults to val)',
      text(),
    ),
    option('--fields <f=col,...>', 'map data-file columns to the fields the program reads', text()),
  ];
}

export const PROGRAM_NOTE =
  'With --program, the pipeline is named after the export (or the file for a default export); --train/--val/--test N (an integer) still mean "the first N examples".';

/** The flags this file reads, as commander parses them. */
export interface ProgramFlags {
  program?: string;
  fields?: string;
  task?: string;
  pipeline?: string;
  train?: string;
  val?: string;
  test?: string;
}

const SPLITS = ['train', 'val', 'test'] as const;

/** A pipeline name from the reference: the export name, or the file's base name for a default export. */
export function pipelineNameOf(ref: string): string {
  const { file, exportName } = parseProgramRef(ref);
  const raw = exportName === 'default' ? basename(file, extname(file)) : exportName;
  return raw.replace(/[^a-z0-9._-]/gi, '-').replace(/^[^a-z0-9]+/i, '') || 'program';
}

/**
 * Without `--program`: the flags unchanged. With it: registers the program and returns the flags with
 * `task` and `pipeline` set to its name and the data files taken out of `train/val/test`.
 */
export async function applyProgramFlags<F extends ProgramFlags>(flags: F, cwd = process.cwd()): Promise<F> {
  const ref = flags.program;
  if (ref === undefined) return flags;
  if (flags.task !== undefined || flags.pipeline !== undefined)
    throw new ProgramModuleError('--program cannot be combined with --task or --pipeline');
  const isCount = (v: string | undefined) => v !== undefined && /^\d+$/.test(v);
  const rest: F = { ...flags };
  const files: Partial<Record<(typeof SPLITS)[number], string>> = {};
  for (const split of SPLITS)
    if (flags[split] !== undefined && !isCount(flags[split])) {
      files[split] = flags[split];
      delete rest[split];
    }
  const mapping = parseFieldMapping(flags.fields);
  const program = await loadProgramModule(ref, cwd);
  const given = SPLITS.filter((split) => files[split] !== undefined);
  if (given.length > 0 && (files.train === undefined || files.val === undefined))
    throw new ProgramModuleError(
      '--program: give both --train FILE and --val FILE (and optionally --test FILE)',
    );
  if (given.length === 0 && !program.load)
    throw new ProgramModuleError(
      `--program ${ref}: no data; give --train FILE --val FILE [--test FILE], or export { create, load } from the module`,
    );
  const name = pipelineNameOf(ref);
  const { train, val, test } = files;
  registerProgram(name, program, train && val ? { train, val, test, fields: mapping } : undefined);
  return { ...rest, task: name, pipeline: name, program: undefined, fields: undefined };
}
