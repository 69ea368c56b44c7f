import { countMessageTokens, countTokens } from './tokenizer';
import type { CallContext, ChatModel, ChatRequest, ChatResponse } from './types';

/** How a scripted model answers: in order, by a substring of the request, or by a function. */
export type Script =
  | { kind: 'sequence'; answers: string[]; /** repeat the last answer when exhausted (default: throw) */ repeatLast?: boolean }
  | { kind: 'keyed'; answers: Array<[substring: string, answer: string]>; fallback?: string }
  | { kind: 'function'; answer: (request: ChatRequest, context: CallContext | undefined, callIndex: number) => string | Promise<string> };

export interface ScriptedCall {
  request: ChatRequest;
  context: CallContext | undefined;
  response: ChatResponse;
}

/**
 * A test double with realistic usage (real BPE token counts of the actual text). It records every call
 * so tests can assert exact call counts and what the prompts contained.
 */
export class ScriptedModel implements ChatModel {
  readonly calls: ScriptedCall[] = [];
  private next = 0;

  constructor(
    private readonly script: Script,
    readonly id = 'scripted:test',
    private readonly latencyMs = 0,
  ) {}

  static sequence(answers: string[], options: { repeatLast?: boolean; id?: string } = {}): ScriptedModel {
    return new ScriptedModel({ kind: 'sequence', answers, repeatLast: options.repeatLast }, options.id);
  }

  static keyed(answers: Array<[string, string]>, options: { fallback?: string; id?: string } = {}): ScriptedModel {
    return new ScriptedModel({ kind: 'keyed', answers, fallback: options.fallback }, options.id);
  }

  static fn(answer: Extract<Script, { kind: 'function' }>['answer'], options: { id?: string } = {}): ScriptedModel {
    return new ScriptedModel({ kind: 'function', answer }, options.id);
  }

  /** Calls made with the given role (`task`, `backward`, ...). */
  callsWithRole(role: string): ScriptedCall[] {
    return this.calls.filter((c) => (c.context?.role ?? 'task') === role);
  }

  async complete(request: ChatRequest, context?: CallContext): Promise<ChatResponse> {
    const index = this.next++;
    const text = await this.answer(request, context, index);
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const n = request.options?.n ?? 1;
    const response: ChatResponse = {
      text,
      choices: Array.from({ length: n }, () => text),
      usage: {
        promptTokens: countMessageTokens(request.messages),
        completionTokens: countTokens(text) * n,
        cachedTokens: 0,
        estimated: false,
      },
      latencyMs: this.latencyMs,
      model: this.id,
      finishReason: 'stop',
      cacheHit: false,
      raw: { scripted: true, index },
    };
    this.calls.push({ request, context, response });
    return response;
  }

  private async answer(request: ChatRequest, context: CallContext | undefined, index: number): Promise<string> {
    const s = this.script;
    switch (s.kind) {
      case 'sequence': {
        const a = s.answers[index] ?? (s.repeatLast ? s.answers.at(-1) : undefined);
        if (a === undefined) {
          throw new Error(`ScriptedModel ${this.id}: call ${index + 1} but only ${s.answers.length} answers scripted`);
        }
        return a;
      }
      case 'keyed': {
        const text = request.messages.map((m) => m.content).join('\n');
        for (const [key, answer] of s.answers) if (text.includes(key)) return answer;
        if (s.fallback !== undefined) return s.fallback;
        throw new Error(`ScriptedModel ${this.id}: no scripted answer matches the request (call ${index + 1})`);
      }
      case 'function':
        return s.answer(request, context, index);
    }
  }
}
