import {
  type CallContext,
  type ChatModel,
  type ChatRequest,
  type ChatResponse,
  countMessageTokens,
  countTokens,
} from '@llm-autodiff/llm';
import { parseRequest } from './contract';
import { type DataWorld, loadDataWorld } from './data/datasets';
import { digest, hashUnit } from './hash';
import { type LatencySpec, latencyMs, sleep, ZERO_LATENCY } from './latency';
import { profileFor } from './profiles';
import { respond } from './respond';
import { controlChoices } from './server-output';
import type { JudgeContext } from './worlds/common';

export interface SimOptions {
  /**
   * Seed of every hashed choice; a different seed is a different (equally calibrated) world. Repeats of
   * an experiment should use `deriveSimSeed(runSeed, repeat)` so that they vary like real sampling.
   */
  seed?: number;
  /** Dataset folder; default `AUTODIFF_DATA_DIR`, else `../shared/datasets` beside the repo. */
  dataDir?: string;
  /** Latency of this model (zero by default). */
  latency?: LatencySpec;
}

export interface SimCompletion {
  choices: string[];
  promptTokens: number;
  completionTokens: number;
  /** The latency the model would take (the in-process model sleeps it; the server too). */
  latencyMs: number;
}

/**
 * The world seed of one repeat of a run: derived from the run's (trainer) seed and the repeat index, so
 * repeats differ as sampling with a real model does, and the same run and repeat always meet the same
 * world. Record it with the results.
 */
export function deriveSimSeed(runSeed: number, repeat = 0): number {
  if (!Number.isInteger(runSeed) || !Number.isInteger(repeat) || repeat < 0)
    throw new Error(`sim: deriveSimSeed needs integers (run seed ${runSeed}, repeat ${repeat} ≥ 0)`);
  return Math.floor(hashUnit('sim-seed', runSeed, repeat) * 2 ** 31);
}

/** Compute a completion without waiting: shared by the in-process model and the HTTP server. */
export function simComplete(
  modelName: string,
  request: ChatRequest,
  options: SimOptions = {},
): SimCompletion {
  const profile = profileFor(modelName);
  const seed = options.seed ?? 0;
  const { messages } = request;
  if (!Array.isArray(messages) || messages.length === 0) throw new Error('sim: request has no messages');
  const parsed = parseRequest(messages);
  // Only the task model (and teacher) may look examples up; a judging role never gets the datasets.
  const ctx: JudgeContext & { data?: DataWorld } =
    parsed.role === 'task' ? { data: loadDataWorld(options.dataDir), seed, profile } : { seed, profile };
  const key = digest(JSON.stringify({ messages, options: request.options ?? {}, seed, model: profile.id }));
  const n = Math.max(1, request.options?.n ?? 1);
  // OpenAI's default temperature is 1; at 0 sampling is greedy and every choice is the first.
  const temperature = request.options?.temperature ?? 1;
  const first = respond(ctx, parsed, 0, key, temperature);
  const choices = Array.from({ length: n }, (_, i) =>
    i === 0 || temperature === 0 ? first : respond(ctx, parsed, i, key, temperature),
  );
  const completionTokens = choices.reduce((sum, c) => sum + countTokens(c), 0);
  return {
    choices,
    promptTokens: countMessageTokens(messages),
    completionTokens,
    latencyMs: latencyMs(options.latency ?? ZERO_LATENCY, completionTokens, key),
  };
}

/** Canonical ids: `sim:task`, `sim:teacher`, `sim:large`. */
export function createSimModel(
  name: 'task' | 'teacher' | 'large' | string,
  options: SimOptions = {},
): ChatModel & { readonly simSeed: number } {
  const profile = profileFor(name);
  return {
    id: profile.id,
    simSeed: options.seed ?? 0,
    async complete(request: ChatRequest, context?: CallContext): Promise<ChatResponse> {
      const started = performance.now();
      const c = simComplete(profile.id, request, options);
      await sleep(c.latencyMs, context?.signal);
      // Stop sequences and the token limit as the server applies them (no response format in process).
      const { outputs, completionTokens } = controlChoices(c.choices, c.completionTokens, {
        maxTokens: request.options?.maxTokens,
        stop: request.options?.stop ?? [],
        format: { type: 'text' },
      });
      const choices = outputs.map((o) => o.text);
      return {
        text: choices[0] ?? '',
        choices,
        usage: {
          promptTokens: c.promptTokens,
          completionTokens,
          cachedTokens: 0,
          estimated: false,
        },
        latencyMs: Math.round(performance.now() - started),
        model: profile.id,
        finishReason: outputs[0]?.finishReason ?? 'stop',
        cacheHit: false,
        // Shaped like a chat-completions body and nothing more: no flag that would let code tell the sim apart.
        raw: {
          object: 'chat.completion',
          model: profile.id,
          choices: outputs.map((o, index) => ({
            index,
            message: { role: 'assistant', content: o.text },
            finish_reason: o.finishReason,
          })),
        },
      };
    },
  };
}
