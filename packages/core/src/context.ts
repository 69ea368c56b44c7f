import { AsyncLocalStorage } from 'node:async_hooks';
import type { CallRole, ChatModel } from '@llm-autodiff/llm';
import { SampleIdError } from './errors';

export type Mode = 'train' | 'eval';

export interface SampleOptions {
  /** Labels added to every task-model call of this sample (accounting). */
  labels?: Record<string, string | number>;
  /** Run every generator of the sample on this model instead of its own (e.g. a teacher for demos). */
  model?: ChatModel;
  /** Call role for generator calls of this sample (default: each generator's own, 'task' by default). */
  role?: CallRole;
}

/** What components need to know about the sample being run. */
export interface SampleContext {
  readonly sampleId: string;
  readonly mode: Mode;
  readonly options: SampleOptions;
  /** Calls so far per component id (time-sequential gradients). */
  readonly callsPerComponent: Map<string, number>;
  /** Calls so far of any component. */
  forwardCalls: number;
}

const storage = new AsyncLocalStorage<SampleContext>();

/**
 * Run one sample of a pipeline. In train mode components return `Parameter` outputs and record the graph;
 * in eval mode they return plain values and record nothing. The context follows the async call chain, so
 * `Promise.all(batch.map((ex) => runSample(ex.id, 'train', () => pipeline(ex))))` keeps samples apart.
 */
export function runSample<R>(
  sampleId: string,
  mode: Mode,
  fn: () => Promise<R>,
  options: SampleOptions = {},
): Promise<R> {
  if (typeof sampleId !== 'string' || sampleId === '') {
    throw new SampleIdError(
      `runSample(): sample id must be a non-empty string, got ${JSON.stringify(sampleId)}`,
    );
  }
  if (mode !== 'train' && mode !== 'eval') {
    throw new SampleIdError(
      `runSample(): mode must be 'train' or 'eval', got ${JSON.stringify(mode)}`,
      sampleId,
    );
  }
  const context: SampleContext = { sampleId, mode, options, callsPerComponent: new Map(), forwardCalls: 0 };
  return storage.run(context, fn);
}

/** The running sample; a component called outside `runSample` is an error (sample ids are mandatory). */
export function currentSample(where: string): SampleContext {
  const context = storage.getStore();
  if (!context) {
    throw new SampleIdError(
      'called outside runSample(): wrap each sample in runSample(sampleId, mode, fn) so outputs carry a sample id',
      where,
    );
  }
  return context;
}

/** The running sample's mode, or undefined outside `runSample`. */
export function currentMode(): Mode | undefined {
  return storage.getStore()?.mode;
}

/** Reserve the next call slot of a component in the running sample. */
export function nextCall(
  context: SampleContext,
  componentId: string,
): { callIndex: number; forwardOrder: number } {
  const callIndex = context.callsPerComponent.get(componentId) ?? 0;
  context.callsPerComponent.set(componentId, callIndex + 1);
  return { callIndex, forwardOrder: context.forwardCalls++ };
}
