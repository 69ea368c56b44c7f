/**
 * TEST SUPPORT: record the real judging requests (backward engine, optimizer, describing) of short runs
 * in the simulated world through the trainer's public `train()`: GDPO on every pipeline and ablation,
 * and each baseline method that sends judging requests (TextGrad, MIPRO, GEPA).
 */

import { gepaFactory, miproFactory, textgradFactory } from '@llm-autodiff/baselines';
import { type Ablations, gdpoMethod } from '@llm-autodiff/gdpo';
import type { ChatMessage, ChatModel, ChatRequest } from '@llm-autodiff/llm';
import { createSimModel, parseRequest } from '@llm-autodiff/sim';
import { createPipeline, loadBm25, loadTask, type PipelineName, taskOf } from '@llm-autodiff/tasks';
import { type MethodFactory, train } from '@llm-autodiff/trainer';

export interface RecordedRequest {
  pipeline: PipelineName;
  /** The GDPO ablation, or the baseline method's name. */
  ablation: string;
  role: 'backward' | 'optimizer' | 'describe';
  messages: ChatMessage[];
  options: ChatRequest['options'];
}

/** Wraps a sim model and keeps every judging-role request it receives. */
function recording(
  model: ChatModel,
  keep: (messages: ChatMessage[], options: ChatRequest['options']) => void,
): ChatModel {
  return {
    id: model.id,
    complete(request, context) {
      keep(request.messages, request.options);
      return model.complete(request, context);
    },
  };
}

export const ABLATION_CASES: Record<string, { ablations?: Partial<Ablations>; strategy?: 'random' }> = {
  full: {},
  noFeedbackText: { ablations: { noFeedbackText: true } },
  noBackward: { ablations: { noBackward: true } },
  noHistory: { ablations: { noHistory: true } },
  noPeers: { ablations: { noPeers: true } },
  noSelectiveGradients: { ablations: { noSelectiveGradients: true } },
  noMiniBatchGate: { ablations: { noMiniBatchGate: true } },
  random: { strategy: 'random' },
};

interface RunSpec {
  label: string;
  method: MethodFactory;
  methodConfig: unknown;
  sizes: { val?: number; test?: number };
  seed?: number;
}

/** One short training run; returns every judging request the large model received. */
async function recordRun(pipeline: PipelineName, spec: RunSpec): Promise<RecordedRequest[]> {
  const out: RecordedRequest[] = [];
  const large = recording(createSimModel('large'), (messages, options) => {
    const role = parseRequest(messages).role;
    if (role !== 'task') out.push({ pipeline, ablation: spec.label, role, messages, options });
  });
  const task = taskOf(pipeline);
  const retriever = task === 'hotpot' ? (await loadBm25()).index : undefined;
  const program = createPipeline(pipeline, {
    model: createSimModel('task'),
    retriever,
    demos: spec.method.tunes.includes('demos') && task !== 'hotpot',
  });
  const splits = (await loadTask(task)) as { train: unknown[]; val: unknown[]; test: unknown[] };
  await train({
    program: program as Parameters<typeof train>[0]['program'],
    data: {
      train: splits.train,
      val: splits.val.slice(0, spec.sizes.val ?? 8),
      test: splits.test.slice(0, spec.sizes.test ?? 2),
    },
    models: { optimizer: large, backward: large },
    method: spec.method,
    methodConfig: spec.methodConfig,
    trainer: { seed: spec.seed ?? 7 },
  });
  return out;
}

export async function recordJudgeRequests(
  pipeline: PipelineName,
  ablation: string,
  opts: { steps?: number; val?: number; test?: number; seed?: number } = {},
): Promise<RecordedRequest[]> {
  const c = ABLATION_CASES[ablation] ?? {};
  return recordRun(pipeline, {
    label: ablation,
    method: gdpoMethod as MethodFactory,
    methodConfig: {
      steps: opts.steps ?? 1,
      strategy: c.strategy ?? 'constrained',
      ablations: c.ablations ?? {},
    },
    sizes: opts,
    seed: opts.seed,
  });
}

/**
 * Short runs of the baselines that send judging requests: TextGrad (backward base and chain, TGD), MIPRO
 * (data observations, summary, program and module descriptions, proposals), GEPA (reflection). Budgets
 * are cut to a step or a few iterations; the requests are the methods' real ones.
 */
export const BASELINE_CASES: Record<string, { method: MethodFactory; config: unknown }> = {
  textgrad: { method: textgradFactory as MethodFactory, config: { epochs: 1, stepsPerEpoch: 1 } },
  mipro: {
    method: miproFactory as MethodFactory,
    config: { numCandidates: 2, numTrials: 1, dataSummaryExamples: 12, viewDataBatchSize: 6 },
  },
  gepa: { method: gepaFactory as MethodFactory, config: { maxMetricCalls: 40, useMerge: false } },
};

export async function recordBaselineRequests(
  pipeline: PipelineName,
  name: string,
  opts: { val?: number; test?: number; seed?: number } = {},
): Promise<RecordedRequest[]> {
  const c = BASELINE_CASES[name];
  if (!c) throw new Error(`no baseline case "${name}"`);
  return recordRun(pipeline, {
    label: name,
    method: c.method,
    methodConfig: c.config,
    sizes: opts,
    seed: opts.seed,
  });
}
