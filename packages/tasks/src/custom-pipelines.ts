import type { DefinedProgram } from '@llm-autodiff/core';
import type { LoadOptions, Splits } from './data/types';
import { PIPELINE_NAMES, type PipelineDeps, TASK_NAMES } from './registry';

/** A pipeline of your own, usable by name wherever the built-in ones are (`createPipeline`, `loadTask`). */
export interface CustomPipeline<E> {
  /** Builds the program on the task model (and whatever else of `deps` it uses). */
  create(deps: PipelineDeps): DefinedProgram<E>;
  /** Its train/val/test examples. */
  load(opts?: LoadOptions): Promise<Splits<E>>;
}

const registered = new Map<string, CustomPipeline<unknown>>();

/**
 * Registers a pipeline under a name (a built-in name is refused); returns the function that removes it.
 * Registering a name twice replaces the first entry.
 */
export function registerPipeline<E>(name: string, pipeline: CustomPipeline<E>): () => void {
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(name))
    throw new Error(
      `registerPipeline: name ${JSON.stringify(name)} must be letters, digits, ".", "_" or "-"`,
    );
  // Read at call time: the registry imports this module for its lookups.
  if ((TASK_NAMES as string[]).includes(name) || (PIPELINE_NAMES as string[]).includes(name))
    throw new Error(`registerPipeline: "${name}" is a built-in task or pipeline`);
  if (typeof pipeline?.create !== 'function' || typeof pipeline.load !== 'function')
    throw new Error(`registerPipeline("${name}"): the pipeline needs create(deps) and load()`);
  registered.set(name, pipeline as CustomPipeline<unknown>);
  return () => {
    if (registered.get(name) === pipeline) registered.delete(name);
  };
}

/** A registered pipeline by name, if any. */
export function customPipeline(name: string): CustomPipeline<unknown> | undefined {
  return registered.get(name);
}

export function customPipelineNames(): string[] {
  return [...registered.keys()].sort();
}
