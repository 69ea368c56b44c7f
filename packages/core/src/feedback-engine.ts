import {
  type CallContext,
  type ChatMessage,
  type ChatModel,
  type ChatResponse,
  isStop,
  Semaphore,
} from '@llm-autodiff/llm';
import { BackwardConfigError } from './errors';
import type { Parameter } from './parameter';
import { type BackwardPromptFields, renderBackwardPrompt } from './prompts/backward-engine';
import { needsFeedback, needsFeedbackInReference } from './record';

/**
 * Which nodes get backward-engine calls.
 * - `paper` (default): the paper's rule. Functional nodes pass feedback through unchanged unless several
 *   predecessors need it, and skip correct samples like generators do.
 * - `reference`: AdalFlow's code. A retriever's plain query counts as optimizable, so the retriever (query +
 *   top_k: two predecessors) asks the engine for its query, and the answer generator asks for the
 *   retriever output; a functional node with two or more traced arguments asks the engine for each
 *   predecessor that needs feedback, on every sample whatever its score.
 */
export type BackwardAccounting = 'paper' | 'reference';

export interface BackwardOptions {
  /** The backward-engine model; called with role 'backward'. Required unless `feedbackText` is false. */
  engine?: ChatModel;
  /**
   * False: ask no engine. Every gradient still carries the call's input, output and score, with an
   * empty feedback text (the "OPRO with data" ablation: the optimizer sees examples and scores only).
   */
  feedbackText?: boolean;
  /** Selective gradients: no engine call when the sample's score is above this (default 0.9). */
  skipAboveScore?: number;
  /** TextGrad-like ablation: call the engine for every sample, whatever its score. */
  computeForAll?: boolean;
  /** Backward-engine calls in flight at once (default 8; model wrappers may limit further). */
  concurrency?: number;
  /** Accounting labels passed with every backward-engine call. */
  labels?: Record<string, string | number>;
  /** Which nodes get engine calls: the paper's rule (default) or the reference code's (see the type). */
  accounting?: BackwardAccounting;
}

export interface BackwardReport {
  /** Backward-engine calls made. */
  calls: number;
  /** Gradients given the fixed "no noticeable error" text instead of a call (selective gradients). */
  skipped: number;
  /** Pass-through copies made by functional nodes. */
  copies: number;
  /** Engine calls that failed (error or empty text); their gradients say so. */
  failures: number;
  /** Gradients added in total. */
  gradients: number;
  /** Most engine calls seen in flight at once. */
  peakConcurrency: number;
  durationMs: number;
}

export interface Feedback {
  text: string;
  /** The messages sent (none without a model). */
  request: ChatMessage[];
  failed: boolean;
}

/** A request as one text, `ROLE:` before each message: how a gradient's request is shown. */
export function requestText(messages: readonly ChatMessage[]): string {
  return messages.map((m) => `${m.role.toUpperCase()}:\n${m.content}`).join('\n\n');
}

export const DEFAULT_SKIP_ABOVE_SCORE = 0.9;

/** The fixed gradient of selective gradients. */
export function noErrorFeedback(score: number): string {
  return `Eval score: ${score}. No noticeable error.`;
}

/**
 * Everything around a backward-engine call: prompt rendering, the selective-gradient rule, the concurrency
 * limit, failure handling and counting. Node backward functions receive one of these.
 */
export class FeedbackEngine {
  readonly model: ChatModel | undefined;
  readonly skipAboveScore: number;
  readonly computeForAll: boolean;
  readonly accounting: BackwardAccounting;
  private readonly slots: Semaphore;
  private peak = 0;
  /** The first stop a call met (feedbackCall lets only stops through): the pass is over. */
  private stop: { error: unknown } | undefined;
  private readonly labels: Record<string, string | number> | undefined;
  readonly counts = { calls: 0, skipped: 0, copies: 0, failures: 0 };

  constructor(options: BackwardOptions, where: string) {
    if (!options || (options.feedbackText !== false && typeof options.engine?.complete !== 'function')) {
      throw new BackwardConfigError(
        'backward() needs a backward-engine model: backward(root, { engine: model })',
        where,
      );
    }
    const threshold = options.skipAboveScore ?? DEFAULT_SKIP_ABOVE_SCORE;
    if (!Number.isFinite(threshold)) {
      throw new BackwardConfigError(`skipAboveScore must be a finite number, got ${threshold}`, where);
    }
    const concurrency = options.concurrency ?? 8;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new BackwardConfigError(`concurrency must be an integer >= 1, got ${concurrency}`, where);
    }
    const accounting = options.accounting ?? 'paper';
    if (accounting !== 'paper' && accounting !== 'reference') {
      throw new BackwardConfigError(
        `accounting must be 'paper' or 'reference', got ${String(accounting)}`,
        where,
      );
    }
    this.accounting = accounting;
    this.model = options.feedbackText === false ? undefined : options.engine;
    this.skipAboveScore = threshold;
    this.computeForAll = options.computeForAll ?? false;
    this.slots = new Semaphore(concurrency);
    this.labels = options.labels;
  }

  get peakConcurrency(): number {
    return this.peak;
  }

  /** Whether a predecessor should receive feedback, under this accounting. */
  needsFeedback = (p: Parameter): boolean =>
    this.accounting === 'reference' ? needsFeedbackInReference(p) : needsFeedback(p);

  /** Whether backward runs a node's backward function at all, under this accounting. */
  flowsThrough(node: Parameter): boolean {
    return this.accounting === 'reference' ? node.referenceRequiresOpt : node.trainable;
  }

  /** Selective gradients: a sample scored above the threshold needs no engine call. */
  shouldSkip(score: number | undefined): boolean {
    return !this.computeForAll && score !== undefined && score > this.skipAboveScore;
  }

  /**
   * One backward-engine call with core's backward prompt. A failed call becomes feedback that says so,
   * and is counted; a stop propagates (see `send`).
   */
  async ask(fields: BackwardPromptFields): Promise<Feedback> {
    if (!this.model) return { text: '', request: [], failed: false };
    const request = renderBackwardPrompt(fields);
    const answer = await this.send(request);
    if (answer.ok) return { text: answer.text, request, failed: false };
    return {
      text: `The backward engine failed to compute feedback for this variable (${answer.empty ? 'the engine returned an empty answer' : answer.reason}). No feedback is available for this call.`,
      request,
      failed: true,
    };
  }

  /**
   * One call to the backward model (role 'backward', the pass's labels) under the concurrency limit
   * and the one error policy (`feedbackCall`): counted, a failure counted as one. Once a call met a stop,
   * every call of the pass still queued or asked for ends with that stop, unsent. For rules with their
   * own prompts (TextGrad's) as for `ask`.
   */
  async send(messages: ChatMessage[], context?: Pick<CallContext, 'cacheSalt'>): Promise<FeedbackAnswer> {
    const model = this.model;
    if (!model) throw new BackwardConfigError('send() needs a backward-engine model');
    const answer = await feedbackCall(async () => {
      const release = await this.slots.acquire();
      try {
        if (this.stop) throw this.stop.error;
        this.counts.calls++;
        this.peak = Math.max(this.peak, this.slots.inUse);
        return await model.complete({ messages }, { role: 'backward', labels: this.labels, ...context });
      } catch (error) {
        // Noted before the slot is released, so the next queued call sees it.
        if (isStop(error)) this.stop ??= { error };
        throw error;
      } finally {
        release();
      }
    });
    if (!answer.ok) this.counts.failures++;
    return answer;
  }
}

/** A feedback call's outcome: the trimmed text, or why there is none (an empty answer or an error). */
export type FeedbackAnswer = { ok: true; text: string } | { ok: false; empty: boolean; reason: string };

/**
 * The one error policy of feedback calls, for core's backward and any method's own rule (TextGrad's):
 * a call that fails on its own (an error after retries, an empty answer) becomes a failure the caller
 * records as "no feedback" and the pass goes on; a stop (a spent budget, the run stopping on a signal,
 * a replay miss: llm's `isStop`) propagates, so it ends the whole backward pass at once.
 */
async function feedbackCall(call: () => Promise<ChatResponse>): Promise<FeedbackAnswer> {
  try {
    const text = (await call()).text.trim();
    return text ? { ok: true, text } : { ok: false, empty: true, reason: 'empty answer' };
  } catch (error) {
    if (isStop(error)) throw error;
    return { ok: false, empty: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
