/**
 * An experiment's own pipelines: each program module is loaded and registered under its name with its
 * data (the `train --program` loaders), so the sweep runs it like a built-in pipeline. The parameters of
 * each program say which methods can tune it; the others are left out of the plan with one line each.
 */
import type { Parameter, ParamKind } from '@llm-autodiff/core';
import type { ChatModel } from '@llm-autodiff/llm';
import { ExperimentError } from '../experiment/load';
import { customPipelinesOf, type Experiment, pipelineNameOfEntry } from '../experiment/schema';
import { methods } from '../methods';
import { loadProgramModule, ProgramModuleError } from '../program/program-module';
import { registerProgram } from '../program/register';
import type { CannotTune } from './plan';

/** Stands in for the task model while a program is built only to read its parameters. */
const NO_CALLS: ChatModel = {
  id: 'none',
  complete: () => Promise.reject(new Error('a program was called while its parameters were read')),
};

/** Loads and registers the experiment's custom pipelines; returns which methods cannot tune which. */
export async function registerExperimentPipelines(e: Experiment): Promise<CannotTune> {
  const kinds = new Map<string, Set<ParamKind>>();
  for (const spec of customPipelinesOf(e)) {
    const name = pipelineNameOfEntry(spec);
    let params: Parameter[];
    try {
      const program = await loadProgramModule(spec.program);
      registerProgram(name, program, spec.data);
      params = program.create({ model: NO_CALLS }).parameters();
    } catch (e) {
      if (!(e instanceof ProgramModuleError)) throw e;
      throw new ExperimentError(`pipeline "${name}": ${e.message.replace(/^--program:? /, '')}`);
    }
    kinds.set(name, new Set(params.filter((p) => p.trainable).map((p) => p.kind)));
  }
  return (pipeline, method) => {
    const has = kinds.get(pipeline);
    const tunes = methods.get(method).tunes;
    // A method that tunes nothing (evaluation only) runs on any pipeline.
    if (!has || tunes.length === 0 || tunes.some((k) => has.has(k))) return undefined;
    const own = [...has].join(' and ') || 'no trainable';
    return `${method} tunes ${tunes.join(' and ')} parameters; ${pipeline} has ${own} parameters`;
  };
}
