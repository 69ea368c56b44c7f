import { defaultSleep } from './resilience';
import { countMessageTokens, countTokens } from './tokenizer';
import type { CallContext, ChatModel, ChatRequest, ChatResponse } from './types';
import { LOCAL_USAGE } from './usage-ledger';

/** How a scripted model answers: in order, by a substring of the request, or by a function. */
export type Script =
  | {
      kind: 'sequence';
      answers: string[] /** repeat the last answer when exhausted (default: throw) */;
      repeatLast?: boolean;
    }
  | { kind: 'keyed'; answers: Array<[substring: string, answer: string]>; fallback?: string }
  | {
      kind: 'function';
      answer: (
        request: ChatRequest,
        context: CallContext | undefined,
        callIndex: number,
      ) => string | Promise<string>;
    };

/** Extra realism for tests of the layers above: latency and failures on demand. */
export interface ScriptedModelOptions {
  id?: string;
  /** Simulated latency per call, ms (honors the call's abort signal). */
  latencyMs?: number;
  /**
   * Return an error to make attempt `attempt` (0-based, counting every `complete` call, failed ones too)
   * throw it, e.g. `(i) => (i < 2 ? ProviderError.http('scripted:test', 429, 'slow down') : undefined)`.
   * A failed attempt does not use up a scripted answer.
   */
  fail?: (attempt: number, request: ChatRequest, context: CallContext | undefined) => Error | undefined;
  /**
   * Declare the model local (`ChatModel.local`): answers carry zero tokens and `local: true`. Off by
   * default: tests use the model as a realistic stand-in for a billed one.
   */
  local?: boolean;
}

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
  /** Every `complete` invocation, including failed ones. */
  attempts = 0;
  private next = 0;
  private readonly latencyMs: number;
  private readonly fail: ScriptedModelOptions['fail'];
  readonly local?: true;

  constructor(
    private readonly script: Script,
    readonly id = 'scripted:test',
    options: number | Omit<ScriptedModelOptions, 'id'> = 0,
  ) {
    const o = typeof options === 'number' ? { latencyMs: options } : options;
    this.latencyMs = o.latencyMs ?? 0;
    this.fail = o.fail;
    if (o.local) this.local = true;
  }

  static sequence(
    answers: string[],
    options: ScriptedModelOptions & { repeatLast?: boolean } = {},
  ): ScriptedModel {
    return new ScriptedModel(
      { kind: 'sequence', answers, repeatLast: options.repeatLast },
      options.id,
      options,
    );
  }

  static keyed(
    answers: Array<[string, string]>,
    options: ScriptedModelOptions & { fallback?: string } = {},
  ): ScriptedModel {
    return new ScriptedModel({ kind: 'keyed', answers, fallback: options.fallback }, options.id, options);
  }

  static fn(
    answer: Extract<Script, { kind: 'function' }>['answer'],
    options: ScriptedModelOptions = {},
  ): ScriptedModel {
    return new ScriptedModel({ kind: 'function', answer }, options.id, options);
  }

  /** Calls made with the given role (`task`, `backward`, ...). */
  callsWithRole(role: string): ScriptedCall[] {
    return this.calls.filter((c) => (c.context?.role ?? 'task') === role);
  }

  async complete(request: ChatRequest, context?: CallContext): Promise<ChatResponse> {
    const attempt = this.attempts++;
    if (this.latencyMs > 0) await defaultSleep(this.latencyMs, context?.signal);
    const failure = this.fail?.(attempt, request, context);
    if (failure) throw failure;
    const index = this.next++;
    const text = await this.answer(request, context, index);
    const n = request.options?.n ?? 1;
    const response: ChatResponse = {
      text,
      choices: Array.from({ length: n }, () => text),
      usage: this.local
        ? { ...LOCAL_USAGE }
        : {
            promptTokens: countMessageTokens(request.messages),
            completionTokens: countTokens(text) * n,
            cachedTokens: 0,
            estimated: false,
          },
      latencyMs: this.latencyMs,
      model: this.id,
      finishReason: 'stop',
      cacheHit: false,
      raw: { scripted: true, index, attempt },
      ...(this.local ? { local: true as const } : {}),
    };
    this.calls.push({ request, context, response });
    return response;
  }

  private async answer(
    request: ChatRequest,
    context: CallContext | undefined,
    index: number,
  ): Promise<string> {
    const s = this.script;
    switch (s.kind) {
      case 'sequence': {
        const a = s.answers[index] ?? (s.repeatLast ? s.answers.at(-1) : undefined);
        if (a === undefined) {
          throw new Error(
            `ScriptedModel ${this.id}: call ${index + 1} but only ${s.answers.length} answers scripted`,
          );
        }
        return a;
      }
      case 'keyed': {
        const text = request.messages.map((m) => m.content).join('\n');
        for (const [key, answer] of s.answers) if (text.includes(key)) return answer;
        if (s.fallback !== undefined) return s.fallback;
        throw new Error(
          `ScriptedModel ${this.id}: no scripted answer matches the request (call ${index + 1})`,
        );
      }
      case 'function':
        return s.answer(request, context, index);
    }
  }
}
