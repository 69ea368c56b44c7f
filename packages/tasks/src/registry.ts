import type { ChatModel } from '@llm-autodiff/llm';
import { customPipeline, customPipelineNames } from './custom-pipelines';
import { type HotpotExample, type HotpotSplitName, loadHotpot } from './data/hotpot';
import { loadObjectCount, type ObjectCountExample } from './data/object-count';
import { loadTrec, type TrecExample } from './data/trec';
import type { LoadOptions, Splits } from './data/types';
import type { ObjectCountParser } from './metrics/object-count';
import { hotpotAgentPipeline } from './pipelines/hotpot-agent';
import type { Retriever } from './pipelines/hotpot-common';
import { hotpotCyclePipeline } from './pipelines/hotpot-cycle';
import { hotpotMultihopPipeline } from './pipelines/hotpot-multihop';
import { hotpotVanillaPipeline } from './pipelines/hotpot-vanilla';
import { objectCountPipeline } from './pipelines/object-count';
import type { TaskProgram } from './pipelines/program';
import { trecPipeline } from './pipelines/trec';
import { type Bm25LoadOptions, loadBm25 } from './retrieval/cache';

export type TaskName = 'object-count' | 'trec' | 'hotpot';
export type PipelineName =
  | 'object-count'
  | 'trec'
  | 'hotpot-vanilla'
  | 'hotpot-multihop'
  | 'hotpot-cycle'
  | 'hotpot-agent';

/** The task a pipeline solves (the HotPotQA pipelines share one task). */
export type TaskOfPipeline<P extends PipelineName> = P extends 'object-count' | 'trec' ? P : 'hotpot';

export interface ExampleOf {
  'object-count': ObjectCountExample;
  trec: TrecExample;
  hotpot: HotpotExample;
}

/** What every pipeline factory accepts; each uses what it needs. */
export interface PipelineDeps {
  /** The task model. */
  model: ChatModel;
  /** Required by the HotPotQA pipelines (e.g. `(await loadBm25()).index`). */
  retriever?: Retriever;
  /** Starting texts of trainable prompts, overriding the defaults (keys per pipeline, e.g. `answer`). */
  instructions?: Partial<Record<string, string>>;
  /** Add a trainable few-shot slot to every generator of the pipeline. */
  demos?: boolean;
  /** object-count only: how the count is read ('ours' default, or the reference's parser). */
  objectCountParser?: ObjectCountParser;
}

export interface PipelineEntry<T extends TaskName> {
  task: T;
  /** Trainable prompts, for documentation and checks. */
  trainable: string[];
  /** The pipeline can have a trainable few-shot slot (`PipelineDeps.demos`). */
  demosSlot: boolean;
  create(deps: PipelineDeps): TaskProgram<ExampleOf[T]>;
}

function needRetriever(name: PipelineName, deps: PipelineDeps): Retriever {
  if (!deps.retriever)
    throw new Error(`pipeline "${name}" needs a retriever (e.g. the BM25 index from loadBm25())`);
  return deps.retriever;
}

export const pipelines: { [P in PipelineName]: PipelineEntry<TaskOfPipeline<P>> } = {
  'object-count': {
    task: 'object-count',
    trainable: ['object_count.system_prompt'],
    demosSlot: true,
    create: (d) =>
      objectCountPipeline({
        model: d.model,
        instruction: d.instructions?.system_prompt,
        demos: d.demos,
        parser: d.objectCountParser,
      }),
  },
  trec: {
    task: 'trec',
    trainable: ['trec.instruction'],
    demosSlot: true,
    create: (d) => trecPipeline({ model: d.model, instruction: d.instructions?.instruction, demos: d.demos }),
  },
  'hotpot-vanilla': {
    task: 'hotpot',
    trainable: ['hotpot_vanilla.answer_instruction'],
    demosSlot: true,
    create: (d) =>
      hotpotVanillaPipeline({
        model: d.model,
        retriever: needRetriever('hotpot-vanilla', d),
        instructions: d.instructions,
        demos: d.demos,
      }),
  },
  'hotpot-multihop': {
    task: 'hotpot',
    trainable: [
      'hotpot_multihop.query_0_instruction',
      'hotpot_multihop.query_1_instruction',
      'hotpot_multihop.answer_instruction',
    ],
    demosSlot: true,
    create: (d) =>
      hotpotMultihopPipeline({
        model: d.model,
        retriever: needRetriever('hotpot-multihop', d),
        instructions: d.instructions,
        demos: d.demos,
      }),
  },
  'hotpot-cycle': {
    task: 'hotpot',
    trainable: ['hotpot_cycle.query_instruction', 'hotpot_cycle.answer_instruction'],
    demosSlot: true,
    create: (d) =>
      hotpotCyclePipeline({
        model: d.model,
        retriever: needRetriever('hotpot-cycle', d),
        instructions: d.instructions,
        demos: d.demos,
      }),
  },
  'hotpot-agent': {
    task: 'hotpot',
    trainable: ['hotpot_agent.planner_instruction', 'hotpot_agent.finish_description'],
    demosSlot: true,
    create: (d) =>
      hotpotAgentPipeline({
        model: d.model,
        retriever: needRetriever('hotpot-agent', d),
        instructions: d.instructions,
        demos: d.demos,
      }),
  },
};

export const PIPELINE_NAMES = Object.keys(pipelines) as PipelineName[];
export const TASK_NAMES: TaskName[] = ['object-count', 'trec', 'hotpot'];

/** The task a pipeline (or task) name refers to. */
export function taskOf(name: PipelineName | TaskName): TaskName {
  if ((TASK_NAMES as string[]).includes(name)) return name as TaskName;
  const entry = (pipelines as Record<string, PipelineEntry<TaskName>>)[name];
  if (!entry) {
    throw new Error(
      `unknown task or pipeline "${name}"; expected one of ${[...TASK_NAMES, ...PIPELINE_NAMES, ...customPipelineNames()].filter((n, i, a) => a.indexOf(n) === i).join(', ')}`,
    );
  }
  return entry.task;
}

/** A pipeline by name (built-in or registered with `registerPipeline`), typed loosely for scripts that pick it at run time. */
export function createPipeline(
  name: PipelineName | (string & {}),
  deps: PipelineDeps,
): TaskProgram<ExampleOf[TaskName]> {
  const custom = customPipeline(name);
  if (custom) return custom.create(deps) as TaskProgram<ExampleOf[TaskName]>;
  taskOf(name as PipelineName);
  return (pipelines as Record<string, PipelineEntry<TaskName>>)[name]!.create(deps) as TaskProgram<
    ExampleOf[TaskName]
  >;
}

export interface LoadTaskOptions extends LoadOptions {
  /** HotPotQA only: `offline` (default) or AdalFlow's exact val/test lists. */
  hotpotSplit?: HotpotSplitName;
}

/** The documented train/val/test splits of a task (a pipeline name selects its task). */
export function loadTask<T extends TaskName>(name: T, opts?: LoadTaskOptions): Promise<Splits<ExampleOf[T]>>;
export function loadTask(
  name: PipelineName | TaskName | (string & {}),
  opts?: LoadTaskOptions,
): Promise<Splits<ExampleOf[TaskName]>>;
export async function loadTask(
  name: PipelineName | TaskName | (string & {}),
  opts: LoadTaskOptions = {},
): Promise<Splits<ExampleOf[TaskName]>> {
  const custom = customPipeline(name);
  if (custom) return custom.load(opts) as Promise<Splits<ExampleOf[TaskName]>>;
  switch (taskOf(name as PipelineName)) {
    case 'object-count':
      return loadObjectCount(opts);
    case 'trec':
      return loadTrec(opts);
    case 'hotpot':
      return loadHotpot({ ...opts, split: opts.hotpotSplit });
  }
}

/**
 * Like `createPipeline`, but loads what the pipeline needs that was not given: the BM25 index over the
 * HotpotQA corpus (from the disk cache when built before) for the HotPotQA pipelines.
 */
export async function openPipeline(
  name: PipelineName | (string & {}),
  deps: PipelineDeps & Pick<Bm25LoadOptions, 'dataDir' | 'cacheDir' | 'corpusFile'>,
): Promise<TaskProgram<ExampleOf[TaskName]>> {
  if (!customPipeline(name) && taskOf(name as PipelineName) === 'hotpot' && deps.retriever === undefined) {
    const { index } = await loadBm25({
      dataDir: deps.dataDir,
      cacheDir: deps.cacheDir,
      corpusFile: deps.corpusFile,
    });
    return createPipeline(name, { ...deps, retriever: index });
  }
  return createPipeline(name, deps);
}
