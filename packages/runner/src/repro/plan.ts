/**
 * An experiment expanded into runs: pipeline x method x repeat, each with its resolved models, settings
 * (the pipeline's reference preset under the experiment's layers, resolved as `autodiff train` does),
 * sizes, budget and folder. Pairs a method cannot tune are listed apart, to be reported, never dropped.
 */
import { join } from 'node:path';
import type { BudgetOptions } from '@llm-autodiff/llm';
import { PIPELINE_NAMES, type PipelineName, pipelines } from '@llm-autodiff/tasks';
import { type BudgetLevel, budgetLevel } from '../costs/requested-budget';
import { type MethodId, parseMethod } from '../experiment/methods';
import { type Experiment, pipelinesOf } from '../experiment/schema';
import { methods } from '../methods';
import { defaultRoleModels, isSimSpec, type RoleModels } from '../model-defaults';
import { type ResolvedSettings, resolveSettingsLayers } from '../presets/resolve';
import { runConfigLayer } from '../presets/run-settings';
import type { SettingsInput } from '../presets/settings';
import type { MethodConfigs, RunConfigInput as TrainerConfigInput } from '../run-config';
import { runId } from './run-record';

export interface RunSpec {
  experiment: string;
  runId: string;
  /** A built-in pipeline's name or a custom pipeline's (registered with tasks' `registerPipeline`). */
  pipeline: string;
  /** The method name as written (`gdpo`, `gdpo.noHistory`, `start`). */
  method: string;
  methodId: MethodId;
  repeat: number;
  seed: number;
  models: RoleModels;
  simulated: boolean;
  /**
   * The run's settings: its pipeline's preset (as `autodiff train` resolves it) with the experiment's
   * layers; recorded in run.json.
   */
  preset: ResolvedSettings;
  /** The resolved GDPO fields and trainer settings, flat (the trainer reads its part; estimates the steps). */
  config: TrainerConfigInput;
  /** The method's own config input (resolved with defaults by the method's factory). */
  methodConfig: Record<string, unknown>;
  sizes: { train?: number; val?: number; test?: number };
  budget: BudgetOptions | undefined;
  /** The equal-budget level the run is held to (experiment `budgets`), counted in requested cost. */
  budgetLevel?: BudgetLevel;
  /** results/<experiment>/runs/<runId> */
  dir: string;
}

export interface Plan {
  experiment: Experiment;
  models: RoleModels;
  simulated: boolean;
  runs: RunSpec[];
  /** Pipeline x method pairs not run because the method tunes nothing the pipeline has (one line each). */
  unsupported: string[];
  /** results/<experiment> */
  root: string;
}

function mergeMethodConfigs(a: MethodConfigs, b: MethodConfigs): MethodConfigs {
  const out: MethodConfigs = { ...a };
  for (const [name, fields] of Object.entries(b)) out[name] = { ...a[name], ...fields };
  return out;
}

/**
 * The settings layers of a run, laid over its pipeline's preset by train's resolver (later wins): the
 * experiment's `config`, `methodConfig.gdpo` and `settings`, then each matching override's, then the
 * method id's ablations (`gdpo.noHistory`). Also every method's own config with the overrides applied.
 */
function runSettings(
  e: Experiment,
  pipeline: string,
  method: string,
  methodId: MethodId,
): { settings: SettingsInput[]; perMethod: MethodConfigs } {
  const layersOf = (level: Pick<Experiment, 'config' | 'methodConfig' | 'settings'>): SettingsInput[] => [
    runConfigLayer(level.config as TrainerConfigInput),
    level.methodConfig.gdpo ? { gdpo: level.methodConfig.gdpo as SettingsInput['gdpo'] } : {},
    (level.settings ?? {}) as SettingsInput,
  ];
  const settings = layersOf(e);
  let perMethod: MethodConfigs = e.methodConfig;
  for (const o of e.overrides) {
    const pipelineMatches = !o.pipelines || o.pipelines.includes(pipeline);
    const methodMatches = !o.methods || o.methods.includes(method) || o.methods.includes(methodId.base);
    if (!pipelineMatches || !methodMatches) continue;
    settings.push(...layersOf(o));
    perMethod = mergeMethodConfigs(perMethod, o.methodConfig);
  }
  if (methodId.ablations.length > 0)
    settings.push({ gdpo: { ablations: Object.fromEntries(methodId.ablations.map((a) => [a, true])) } });
  return { settings, perMethod };
}

/**
 * Whether `method` tunes something `pipeline` has (every pipeline has prompts; a demos-only method needs
 * the pipeline's demos slot, which every built-in pipeline has today); a method that tunes nothing
 * (evaluation only) runs on every pipeline.
 */
function canTune(method: string, pipeline: PipelineName): boolean {
  const tunes = methods.get(method).tunes;
  return (
    tunes.length === 0 ||
    tunes.includes('prompt') ||
    (tunes.includes('demos') && pipelines[pipeline].demosSlot)
  );
}

function budgetOf(e: Experiment): BudgetOptions | undefined {
  if (!e.budget) return undefined;
  const { total, ...perRole } = e.budget;
  return { total, perRole };
}

/**
 * Why `method` cannot tune `pipeline` (e.g. it tunes demos, the program has only prompts), or undefined
 * when it can. Known for custom pipelines once their programs are loaded.
 */
export type CannotTune = (pipeline: string, method: string) => string | undefined;

/** Expands an experiment under `resultsRoot`. `modelOverrides` (command-line flags) win over the file. */
export function planExperiment(
  e: Experiment,
  resultsRoot: string,
  modelOverrides: Partial<RoleModels> = {},
  cannotTune: CannotTune = () => undefined,
): Plan {
  const given = { ...e.models };
  for (const [role, spec] of Object.entries(modelOverrides))
    if (spec !== undefined) given[role as keyof RoleModels] = spec;
  const models = defaultRoleModels(given);
  const simulated = Object.values(models).some(isSimSpec);
  const root = join(resultsRoot, e.name);
  const runs: RunSpec[] = [];
  const unsupported: string[] = [];
  for (const method of e.methods) {
    const methodId = parseMethod(method);
    if (typeof methodId === 'string') throw new Error(methodId); // the schema has rejected it already
    const builtInCannot = pipelinesOf(e).filter(
      (p) => (PIPELINE_NAMES as string[]).includes(p) && !canTune(methodId.base, p as PipelineName),
    );
    if (builtInCannot.length > 0)
      unsupported.push(
        `${method} on ${builtInCannot.join(', ')}: it tunes demos only and these pipelines have no demos slot`,
      );
    for (const pipeline of pipelinesOf(e)) {
      if (builtInCannot.includes(pipeline)) continue;
      const why = cannotTune(pipeline, methodId.base);
      if (why) {
        unsupported.push(`${method} on ${pipeline}: ${why}`);
        continue;
      }
      const { settings, perMethod } = runSettings(e, pipeline, method, methodId);
      // `start` trains nothing: it runs once, the reference every level is read against.
      const levels: Array<BudgetLevel | undefined> =
        e.budgets && methodId.base !== 'start' ? e.budgets.map(budgetLevel) : [undefined];
      for (const level of levels)
        for (let repeat = 0; repeat < e.repeats; repeat++) {
          const id = runId(pipeline, method, repeat, level?.label);
          const seed = e.seed + repeat;
          // The repeat's seed is the last layer: it wins over the preset and the file.
          const preset = resolveSettingsLayers(pipeline, [...settings, { trainer: { seed } }]);
          const resolved = preset.settings;
          runs.push({
            experiment: e.name,
            runId: id,
            pipeline,
            method,
            methodId,
            repeat,
            seed,
            models,
            simulated,
            preset,
            config: { ...resolved.gdpo, ...resolved.trainer },
            // GDPO's config is the preset's; any other method's is its own entry.
            methodConfig: methodId.base === 'gdpo' ? resolved.gdpo : { ...perMethod[methodId.base] },
            sizes: e.sizes,
            budget: budgetOf(e),
            ...(level ? { budgetLevel: level } : {}),
            dir: join(root, 'runs', id),
          });
        }
    }
  }
  return { experiment: e, models, simulated, runs, unsupported, root };
}
