/**
 * A loaded program registered as a pipeline (tasks' `registerPipeline`) with its data: the given data
 * files (JSONL/JSON/CSV, with a field mapping), or the module's own `load()`. Shared by
 * `train --program` and experiment files, so both read and check data the same way.
 */
import { loadExamples, registerPipeline } from '@llm-autodiff/tasks';
import { type LoadedProgram, ProgramModuleError } from './program-module';

export interface ProgramDataFiles {
  train: string;
  val: string;
  /** Default: the validation file. */
  test?: string;
  /** The example field <- the file's column. */
  fields?: Record<string, string>;
}

/** Registers `program` under `name`; without files it must export its own loader. Returns the undo. */
export function registerProgram(
  name: string,
  program: LoadedProgram,
  files: ProgramDataFiles | undefined,
): () => void {
  const { ref } = program;
  const ownLoad = files ? undefined : program.load;
  if (!files && !ownLoad)
    throw new ProgramModuleError(
      `${ref}: no data; give train and val data files, or export { create, load } from the module`,
    );
  // The fields the program declares it reads, known once it is created (a run creates it before loading).
  let reads: readonly string[] = [];
  return registerPipeline(name, {
    create: (deps) => {
      const created = program.create(deps) as { fields?: readonly string[] };
      reads = created.fields ?? [];
      return created as never;
    },
    load: async () => {
      if (ownLoad) {
        const splits = await ownLoad();
        for (const split of ['train', 'val', 'test'] as const) {
          if (!Array.isArray(splits?.[split]))
            throw new ProgramModuleError(`${ref}: load() must return { train, val, test } arrays`);
        }
        return { ...splits, source: `${ref} (load)` };
      }
      const { train, val, test, fields = {} } = files as ProgramDataFiles;
      const valRows = loadExamples(val, fields, reads);
      return {
        train: loadExamples(train, fields, reads),
        val: valRows,
        test: test === undefined ? valRows : loadExamples(test, fields, reads),
        source: [train, val, test].filter(Boolean).join(', '),
      };
    },
  });
}
