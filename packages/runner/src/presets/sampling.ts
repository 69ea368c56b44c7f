import type { ChatModel, ChatOptions } from '@llm-autodiff/llm';

/**
 * A model whose every request carries `sampling` (temperature, top_p, max tokens of the role's preset).
 * Options the caller sets on a request win (e.g. a method that asks for its own temperature). Wrapped
 * outside the managed model, so the options are part of each request's cache key.
 */
export function withSampling(model: ChatModel, sampling: ChatOptions): ChatModel {
  if (Object.values(sampling).every((v) => v === undefined)) return model;
  return {
    id: model.id,
    complete: (request, context) =>
      model.complete({ ...request, options: { ...sampling, ...request.options } }, context),
  };
}
