/**
 * Every model call of a run on one clock: when it was sent and answered, its role, and which unit of
 * work made it (one sample's forward pass, say), so the critical path of a step can be computed from
 * what actually ran. The recorder sits below the managed model (under its queue and cache), so a call's
 * start is when it was sent, not when it was asked for.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { type Program, requestText } from '@llm-autodiff/core';
import type { CallContext, ChatModel, ChatRequest, ChatResponse } from '@llm-autodiff/llm';

export interface CallRecord {
  role: string;
  model: string;
  /** ms on `performance.now()`'s clock. */
  startMs: number;
  endMs: number;
  /** The unit of work that made the call (e.g. `predict:<sample id>#3`), when one was open. */
  unit?: string;
  /** The request as one text (core's `requestText`), to match a gradient's request. */
  prompt: string;
  /** The server's response id (`raw.id`), to look up the server-side latency. */
  responseId?: string;
}

function responseIdOf(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const id = (raw as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}

export class CallTimeline {
  readonly records: CallRecord[] = [];
  private readonly units = new AsyncLocalStorage<string>();
  private nextUnit = 0;

  /** A model whose calls are recorded (wrap the raw provider model, below the managed layer). */
  wrap(inner: ChatModel): ChatModel {
    return {
      id: inner.id,
      complete: async (request: ChatRequest, context?: CallContext): Promise<ChatResponse> => {
        const startMs = performance.now();
        const response = await inner.complete(request, context);
        this.records.push({
          role: context?.role ?? 'task',
          model: inner.id,
          startMs,
          endMs: performance.now(),
          unit: this.units.getStore(),
          prompt: requestText(request.messages),
          responseId: responseIdOf(response.raw),
        });
        return response;
      },
    };
  }

  /** Run `work` as one unit: its calls form one chain of dependent calls. */
  unit<T>(name: string, work: () => Promise<T>): Promise<T> {
    return this.units.run(`${name}#${this.nextUnit++}`, work);
  }

  /** The same program, each sample's predict and forwardLoss one unit. */
  program<E>(program: Program<E>): Program<E> {
    return {
      name: program.name,
      parameters: () => program.parameters(),
      sampleId: (example) => program.sampleId(example),
      evalScore: (example, prediction) => program.evalScore(example, prediction),
      predict: (example) => this.unit(`predict:${program.sampleId(example)}`, () => program.predict(example)),
      forwardLoss: (example) =>
        this.unit(`loss:${program.sampleId(example)}`, () => program.forwardLoss(example)),
    };
  }

  /** Records started in [fromMs, toMs]. */
  between(fromMs: number, toMs: number): CallRecord[] {
    return this.records.filter((r) => r.startMs >= fromMs && r.startMs <= toMs);
  }
}
