import { describe, expect, it } from 'vitest';
import type { CallRecord } from './call-timeline';
import {
  type BackwardGraph,
  backwardPhaseMs,
  intervalChainMs,
  stepBound,
  taskPhaseMs,
} from './critical-path';

/** A call sent at `start` that took `ms` (its latency is its span here). */
const call = (role: string, start: number, ms: number, extra: Partial<CallRecord> = {}): CallRecord => ({
  role,
  model: 'm',
  startMs: start,
  endMs: start + ms,
  prompt: `${role}@${start}`,
  ...extra,
});
const span = (r: CallRecord) => r.endMs - r.startMs;

describe('critical path', () => {
  it('chains only calls that did not overlap', () => {
    expect(intervalChainMs([call('x', 0, 100), call('x', 100, 50), call('x', 10, 300)], span)).toBe(300);
    expect(intervalChainMs([call('x', 0, 100), call('x', 100, 250)], span)).toBe(350);
  });

  it('bounds independent samples by the longest chain or total work over the concurrency', () => {
    const calls = [
      call('task', 0, 100, { unit: 'a' }),
      call('task', 100, 100, { unit: 'a' }),
      call('task', 0, 300, { unit: 'b' }),
      call('task', 300, 50, { unit: 'b' }),
    ];
    expect(taskPhaseMs(calls, span, 4)).toBe(350);
    expect(taskPhaseMs(calls, span, 1)).toBe(550);
  });

  it('adds segments that follow each other (a gate, then validation)', () => {
    const calls = [call('task', 0, 100, { unit: 'gate' }), call('task', 150, 200, { unit: 'val' })];
    expect(taskPhaseMs(calls, span, 4)).toBe(300);
  });

  it('walks the backward graph from the root, each node after all its successors', () => {
    // root <- loss <- answer <- query ; the loss also feeds a second branch: loss <- check
    const graph: BackwardGraph = {
      nodes: [
        { id: 'query', predecessors: [], prompts: [] },
        { id: 'answer', predecessors: ['query'], prompts: ['p-answer'] },
        { id: 'check', predecessors: [], prompts: [] },
        { id: 'loss', predecessors: ['answer', 'check'], prompts: ['p-loss-a', 'p-loss-c'] },
        { id: 'root', predecessors: ['loss'], prompts: [] },
      ],
    };
    const calls = [
      call('backward', 0, 1000, { prompt: 'p-loss-a' }),
      call('backward', 0, 1400, { prompt: 'p-loss-c' }),
      // Sent late (the level barrier waited for p-loss-c): the bound does not wait.
      call('backward', 1400, 1500, { prompt: 'p-answer' }),
    ];
    expect(backwardPhaseMs(graph, calls, span, 8)).toBe(1400 + 1500);
    expect(backwardPhaseMs(graph, calls, span, 1)).toBe(3900);
  });

  it('sums the phases of a step in send order', () => {
    const calls = [
      call('task', 0, 400, { unit: 's1' }),
      call('optimizer', 500, 1500),
      call('task', 2100, 400, { unit: 'v1' }),
      call('task', 2100, 300, { unit: 'v2' }),
    ];
    const bound = stepBound(calls, [], span, () => 4);
    expect(bound.phases.map((p) => p.role)).toEqual(['task', 'optimizer', 'task']);
    expect(bound.boundMs).toBe(400 + 1500 + 400);
  });
});
