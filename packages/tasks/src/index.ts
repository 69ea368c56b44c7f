// Custom pipelines
export {
  type CustomPipeline,
  customPipeline,
  customPipelineNames,
  registerPipeline,
} from './custom-pipelines';
// Datasets
export { DatasetError, type RowLocation } from './data/errors';
export { DataFileError, loadExamples, parseFieldMapping, type Row } from './data/examples-file';
export {
  HOTPOT_FILES,
  HOTPOT_SPLIT_SIZES,
  type HotpotExample,
  type HotpotSplitName,
  loadHotpot,
  readHotpotFile,
} from './data/hotpot';
export {
  fetchHubSplit,
  type HubFetcher,
  type HubSplitSpec,
  huggingFaceFetcher,
  type ParquetDecoder,
} from './data/hub';
export {
  loadObjectCount,
  OBJECT_COUNT_HUB,
  OBJECT_COUNT_SPLIT,
  type ObjectCountExample,
} from './data/object-count';
export { defaultCacheDir, resolveDataDir } from './data/paths';
export { loadTrec, TREC_CLASSES, TREC_HUB, type TrecClass, type TrecExample } from './data/trec';
export type { LoadOptions, Splits } from './data/types';
// Metrics
export { accuracy, labelMatch, mean } from './metrics/classify';
export { exactMatch, f1Score, normalizeAnswer } from './metrics/hotpot';
export {
  type ObjectCountParser,
  objectCountParser,
  parseIntegerAnswer,
  parseIntegerAnswerReference,
} from './metrics/object-count';
// Pipelines
export {
  AGENT_MAX_STEPS,
  AGENT_TOP_K,
  hotpotAgentPipeline,
  type ReactAction,
  readReactAction,
} from './pipelines/hotpot-agent';
export {
  combinePassages,
  type HotpotOptions,
  type Retriever,
  renderPassages,
} from './pipelines/hotpot-common';
export { hotpotCyclePipeline } from './pipelines/hotpot-cycle';
export { hotpotMultihopPipeline, MAX_HOPS, PASSAGES_PER_HOP } from './pipelines/hotpot-multihop';
export { hotpotVanillaPipeline, VANILLA_TOP_K } from './pipelines/hotpot-vanilla';
export { type ObjectCountOptions, objectCountPipeline } from './pipelines/object-count';
export { AnswerFormatError, extractJsonObject, type Parsed } from './pipelines/parse';
export { defineProgram, type PipelineSpec, type TaskProgram } from './pipelines/program';
export * as prompts from './pipelines/prompts';
export { readTrecAnswer, readTrecClass, type TrecOptions, trecPipeline } from './pipelines/trec';
export {
  createPipeline,
  type ExampleOf,
  type LoadTaskOptions,
  loadTask,
  openPipeline,
  PIPELINE_NAMES,
  type PipelineDeps,
  type PipelineEntry,
  type PipelineName,
  pipelines,
  TASK_NAMES,
  type TaskName,
  type TaskOfPipeline,
  taskOf,
} from './registry';
// Retrieval
export { Bm25Index, type Bm25Params, DEFAULT_BM25 } from './retrieval/bm25';
export { type Bm25Loaded, type Bm25LoadOptions, loadBm25 } from './retrieval/cache';
export {
  type Corpus,
  HOTPOT_CORPUS_FILE,
  loadCorpus,
  type Passage,
  parseCorpus,
  passageText,
  type ScoredPassage,
} from './retrieval/corpus';
export { tokenize } from './retrieval/tokenize';
