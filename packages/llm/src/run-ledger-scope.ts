/**
 * The run's ledger for the calls no managed model records. A program may build its own model (e.g. a
 * `ruleModel` made inside `--program`'s factory) and call it bare: no ledger sees those calls, so the
 * run's usage would have no `task` entry. Inside `recordUnmanagedCalls(ledger, fn)`, a call made through
 * `completeRecorded` that no managed model recorded (in any ledger) is recorded in `ledger` once it
 * succeeds, with zero tokens and marked local when the model or its answer is local. Calls through a
 * managed model, however wrapped, are left to it: nothing is counted twice.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CallContext, ChatModel, ChatRequest, ChatResponse } from './types';
import { LOCAL_USAGE, type UsageLedger } from './usage-ledger';

const runLedger = new AsyncLocalStorage<UsageLedger>();
/** One `completeRecorded` call: set once a managed model recorded it in its ledger. */
const callFrame = new AsyncLocalStorage<{ recorded: boolean }>();

/** Runs `fn` with `ledger` recording the calls of unmanaged models made through `completeRecorded`. */
export function recordUnmanagedCalls<T>(ledger: UsageLedger, fn: () => Promise<T>): Promise<T> {
  return runLedger.run(ledger, fn);
}

/** A managed model recorded the current call in its ledger (the enclosing `completeRecorded` skips it). */
export function noteCallRecorded(): void {
  const frame = callFrame.getStore();
  if (frame) frame.recorded = true;
}

/**
 * `model.complete(request, context)`, recorded in the scope's ledger when nothing else recorded it.
 * Failed calls of unmanaged models are not recorded (they cost nothing anyone could see).
 */
export async function completeRecorded(
  model: ChatModel,
  request: ChatRequest,
  context?: CallContext,
): Promise<ChatResponse> {
  const ledger = runLedger.getStore();
  if (!ledger) return model.complete(request, context);
  const frame = { recorded: false };
  const started = performance.now();
  const response = await callFrame.run(frame, () => model.complete(request, context));
  if (!frame.recorded) {
    const local = model.local === true || response.local === true;
    ledger.record({
      role: context?.role ?? 'task',
      model: model.id,
      usage: local ? LOCAL_USAGE : response.usage,
      latencyMs: performance.now() - started,
      cacheHit: response.cacheHit === true,
      labels: context?.labels,
      local,
    });
  }
  return response;
}
