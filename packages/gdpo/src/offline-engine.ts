/**
 * The backward engine of the "OPRO with data" ablation: backward still runs (so every gradient carries
 * the call's input, output and score, which the optimizer is shown) but no model is asked for feedback —
 * this stand-in answers at once, spends no tokens and is not metered.
 */
import type { ChatModel, ChatResponse } from '@llm-autodiff/llm';

export const OFFLINE_FEEDBACK = '(feedback text disabled)';

export const offlineEngine: ChatModel = {
  id: 'offline:no-feedback',
  async complete(): Promise<ChatResponse> {
    return {
      text: OFFLINE_FEEDBACK,
      choices: [OFFLINE_FEEDBACK],
      usage: { promptTokens: 0, completionTokens: 0, cachedTokens: 0, estimated: false },
      latencyMs: 0,
      model: 'offline:no-feedback',
      cacheHit: false,
      raw: null,
    };
  },
};
