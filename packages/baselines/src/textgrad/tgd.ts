/**
 * TGD (textual gradient descent): one optimizer call per trainable prompt, from the gradients it
 * received, its constraints and (optionally) its gradient memory. The reference's `gradient_memory`
 * stores past feedback but no template shows it (a no-op); here the last `memory` steps' feedback is
 * rendered in the request. An answer without the value tags keeps the old value and counts a parse
 * failure (the reference raises).
 */
import type { Parameter } from '@llm-autodiff/core';
import type { ChatModel } from '@llm-autodiff/llm';
import { proposedValue } from '../common/answer';
import { type TgdFields, tgdPrompt } from './prompts';

export interface TgdOptions {
  model: ChatModel;
  constraints: string[];
  /** Steps of past feedback shown (0 = none, the reference's default). */
  memory: number;
}

export interface TgdState {
  /** Per parameter name: feedback texts of earlier steps, oldest first (one joined entry per step). */
  memory: Record<string, string[]>;
}

export interface TgdProposal {
  name: string;
  previous: string;
  value: string;
  parsed: boolean;
}

function samplesOf(p: Parameter): TgdFields['samples'] {
  const bySample = new Map<string, Array<{ context: string; feedback: string }>>();
  for (const g of p.gradients) {
    const list = bySample.get(g.sampleId) ?? [];
    list.push({ context: g.context.inputOutput, feedback: g.feedback });
    bySample.set(g.sampleId, list);
  }
  return [...bySample].map(([sampleId, entries]) => ({ sampleId, entries }));
}

export class Tgd {
  private memory: Record<string, string[]> = {};
  constructor(private readonly opts: TgdOptions) {}

  request(p: Parameter<string>): ReturnType<typeof tgdPrompt> {
    return tgdPrompt({
      target: { name: p.name, role: p.role, value: p.value },
      samples: samplesOf(p),
      pastFeedback: this.opts.memory > 0 ? (this.memory[p.name] ?? []) : [],
      constraints: this.opts.constraints,
    });
  }

  /** One call per parameter (concurrently); proposes nothing yet, returns the new values. */
  async propose(
    params: Parameter<string>[],
    call: { labels: Record<string, string | number>; salt: (i: number) => string },
  ): Promise<TgdProposal[]> {
    const answers = await Promise.all(
      params.map((p, i) =>
        this.opts.model.complete(
          { messages: this.request(p) },
          { role: 'optimizer', labels: call.labels, cacheSalt: call.salt(i) },
        ),
      ),
    );
    return params.map((p, i) => {
      const value = proposedValue(answers[i]?.text ?? '');
      return { name: p.name, previous: p.value, value: value ?? p.value, parsed: value !== undefined };
    });
  }

  /** Remember this step's feedback (call after `propose`, before the gradients are cleared). */
  remember(params: Parameter<string>[]): void {
    if (this.opts.memory <= 0) return;
    for (const p of params) {
      const text = p.gradients.map((g) => g.feedback).join('\n');
      if (!text) continue;
      const list = [...(this.memory[p.name] ?? []), text];
      this.memory[p.name] = list.slice(-this.opts.memory);
    }
  }

  state(): TgdState {
    return { memory: structuredClone(this.memory) };
  }

  restore(s: TgdState): void {
    this.memory = structuredClone(s.memory);
  }
}
