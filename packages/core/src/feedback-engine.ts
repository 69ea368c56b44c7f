import { BudgetExceededError, CacheMissError, type ChatModel, Semaphore } from '@llm-autodiff/llm';
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
  prompt: string;
  failed: boolean;
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
   * One backward-engine call. A failed call becomes feedback that says so, and is counted — except the
   * errors that must stop the run (a spent budget, a replay-mode cache miss), which propagate.
   */
  async ask(fields: BackwardPromptFields): Promise<Feedback> {
    const model = this.model;
    if (!model) return { text: '', prompt: '', failed: false };
    const messages = renderBackwardPrompt(fields);
    const prompt = messages.map((m) => `${m.role.toUpperCase()}:\n${m.content}`).join('\n\n');
    this.counts.calls++;
    try {
      const release = await this.slots.acquire();
      this.peak = Math.max(this.peak, this.slots.inUse);
      const response = await model
        .complete({ messages }, { role: 'backward', labels: this.labels })
        .finally(release);
      const text = response.text.trim();
      if (text) return { text, prompt, failed: false };
      return this.failure(prompt, 'the engine returned an empty answer');
    } catch (error) {
      if (error instanceof BudgetExceededError || error instanceof CacheMissError) throw error;
      return this.failure(prompt, error instanceof Error ? error.message : String(error));
    }
  }

  private failure(prompt: string, reason: string): Feedback {
    this.counts.failures++;
    return {
      text: `The backward engine failed to compute feedback for this variable (${reason}). No feedback is available for this call.`,
      prompt,
      failed: true,
    };
  }
}
