/**
 * TEST SUPPORT: record the real backward-engine and optimizer requests of short GDPO runs in the
 * simulated world (every pipeline, every ablation), through the trainer's public `train()` with the `gdpo` method.
 */

import { type Ablations, gdpoMethod } from '@llm-autodiff/gdpo';
import type { ChatMessage, ChatModel, ChatRequest } from '@llm-autodiff/llm';
import { createSimModel, parseRequest } from '@llm-autodiff/sim';
import { createPipeline, loadBm25, loadTask, type PipelineName, taskOf } from '@llm-autodiff/tasks';
import { train } from '@llm-autodiff/trainer';

export interface RecordedRequest {
  pipeline: PipelineName;
  ablation: string;
  role: 'backward' | 'optimizer';
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

export async function recordJudgeRequests(
  pipeline: PipelineName,
  ablation: string,
  opts: { steps?: number; val?: number; test?: number; seed?: number } = {},
): Promise<RecordedRequest[]> {
  const out: RecordedRequest[] = [];
  const large = recording(createSimModel('large'), (messages, options) => {
    const role = parseRequest(messages).role;
    if (role !== 'task') out.push({ pipeline, ablation, role, messages, options });
  });
  const task = taskOf(pipeline);
  const retriever = task === 'hotpot' ? (await loadBm25()).index : undefined;
  const program = createPipeline(pipeline, { model: createSimModel('task'), retriever });
  const splits = (await loadTask(task)) as { train: unknown[]; val: unknown[]; test: unknown[] };
  const c = ABLATION_CASES[ablation] ?? {};
  await train({
    program: program as Parameters<typeof train>[0]['program'],
    data: {
      train: splits.train,
      val: splits.val.slice(0, opts.val ?? 8),
      test: splits.test.slice(0, opts.test ?? 2),
    },
    models: { optimizer: large, backward: large },
    method: gdpoMethod,
    methodConfig: {
      steps: opts.steps ?? 1,
      strategy: c.strategy ?? 'constrained',
      ablations: c.ablations ?? {},
    },
    trainer: { seed: opts.seed ?? 7 },
  });
  return out;
}
