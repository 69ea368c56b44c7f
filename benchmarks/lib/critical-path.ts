/**
 * The physical limit of a training step: the longest chain of dependent model calls, each weighted by
 * its latency on the server, given the concurrency limit. Computed from the recorded call timeline and,
 * for backward, from the graph:
 *
 * - The step's phases (forward, backward, proposal, gates, validation) follow each other by design (a
 *   gate needs the proposal, the proposal needs the gradients), so the bound is the sum of the phases'.
 *   A phase is a run of calls of one role in send order; a task phase splits where no unit of work
 *   (one sample's forward pass) overlaps the next.
 * - A task segment: its units are independent samples, each a chain of calls, so its bound is
 *   max(longest unit chain, total latency ÷ concurrency) — the classic lower bound of list scheduling.
 * - Backward: a node's engine calls need the feedback of all its successors, and its own calls run at
 *   once; the chain is the longest root-to-leaf path of the graph weighted by each node's slowest call,
 *   again at least total latency ÷ concurrency.
 * - Anything else (optimizer calls): the longest chain of calls that did not overlap in time.
 */
import { type Parameter, requestText, topologicalOrder } from '@llm-autodiff/core';
import type { CallRecord } from './call-timeline';

/** The backward graph of one step, captured right after backward (before gradients are cleared). */
export interface BackwardGraph {
  nodes: Array<{ id: string; predecessors: string[]; prompts: string[] }>;
}

export function captureBackwardGraph(root: Parameter): BackwardGraph {
  const order = topologicalOrder(root);
  const prompts = new Map<string, string[]>();
  for (const node of order)
    for (const g of node.gradients)
      if (g.request && !g.isCopy && !g.isSkipped) {
        const list = prompts.get(g.fromResponseId) ?? [];
        list.push(requestText(g.request));
        prompts.set(g.fromResponseId, list);
      }
  return {
    nodes: order.map((n) => ({
      id: n.id,
      predecessors: n.predecessors.map((p) => p.id),
      prompts: prompts.get(n.id) ?? [],
    })),
  };
}

export interface PhaseBound {
  role: string;
  calls: number;
  /** Lower bound of the phase's wall-clock (ms). */
  boundMs: number;
  /** Wall-clock from its first send to its last answer (ms). */
  spanMs: number;
}

export interface StepBound {
  boundMs: number;
  phases: PhaseBound[];
}

type Latency = (r: CallRecord) => number;

function roleClass(r: CallRecord): string {
  return r.role === 'teacher' ? 'task' : r.role;
}

/** Longest chain of calls where each starts after the previous one was answered. */
export function intervalChainMs(records: readonly CallRecord[], latency: Latency): number {
  const sorted = [...records].sort((a, b) => a.startMs - b.startMs);
  const best: number[] = [];
  let longest = 0;
  for (let i = 0; i < sorted.length; i++) {
    let before = 0;
    for (let j = 0; j < i; j++)
      if (sorted[j]!.endMs <= sorted[i]!.startMs) before = Math.max(before, best[j]!);
    best[i] = before + latency(sorted[i]!);
    longest = Math.max(longest, best[i]!);
  }
  return longest;
}

const sumOf = (records: readonly CallRecord[], latency: Latency) =>
  records.reduce((s, r) => s + latency(r), 0);

/** Independent units (samples), each a chain, split into segments that follow each other. */
export function taskPhaseMs(records: readonly CallRecord[], latency: Latency, concurrency: number): number {
  const byUnit = new Map<string, CallRecord[]>();
  records.forEach((r, i) => {
    const key = r.unit ?? `call ${i}`;
    byUnit.set(key, [...(byUnit.get(key) ?? []), r]);
  });
  const units = [...byUnit.values()]
    .map((calls) => ({
      calls,
      startMs: Math.min(...calls.map((c) => c.startMs)),
      endMs: Math.max(...calls.map((c) => c.endMs)),
    }))
    .sort((a, b) => a.startMs - b.startMs);
  let total = 0;
  let segment: typeof units = [];
  let segmentEnd = -Infinity;
  const close = () => {
    if (segment.length === 0) return;
    const chain = Math.max(...segment.map((u) => intervalChainMs(u.calls, latency)));
    const work = segment.reduce((s, u) => s + sumOf(u.calls, latency), 0);
    total += Math.max(chain, work / concurrency);
    segment = [];
  };
  for (const u of units) {
    if (u.startMs >= segmentEnd) close();
    segment.push(u);
    segmentEnd = segment.length === 1 ? u.endMs : Math.max(segmentEnd, u.endMs);
  }
  close();
  return total;
}

/** Longest root-to-leaf path of the backward graph, each node weighted by its slowest call. */
export function backwardPhaseMs(
  graph: BackwardGraph,
  records: readonly CallRecord[],
  latency: Latency,
  concurrency: number,
): number {
  const byPrompt = new Map<string, CallRecord[]>();
  for (const r of records) byPrompt.set(r.prompt, [...(byPrompt.get(r.prompt) ?? []), r]);
  const successors = new Map<string, string[]>();
  for (const n of graph.nodes)
    for (const p of n.predecessors) successors.set(p, [...(successors.get(p) ?? []), n.id]);
  const done = new Map<string, number>();
  let chain = 0;
  // Graph nodes are listed predecessors first: walk from the root down.
  for (const n of [...graph.nodes].reverse()) {
    const ready = Math.max(0, ...(successors.get(n.id) ?? []).map((s) => done.get(s) ?? 0));
    const calls = n.prompts
      .map((p) => byPrompt.get(p)?.shift())
      .filter((r): r is CallRecord => r !== undefined);
    const finish = ready + Math.max(0, ...calls.map(latency));
    done.set(n.id, finish);
    chain = Math.max(chain, finish);
  }
  return Math.max(chain, sumOf(records, latency) / concurrency);
}

/**
 * The bound of a whole step: phases in send order, each bounded as above. `graphs` are the step's
 * backward graphs in order (one per backward phase).
 */
export function stepBound(
  records: readonly CallRecord[],
  graphs: readonly BackwardGraph[],
  latency: Latency,
  /** Calls in flight at once, per role (the run's limit and the model's, whichever is lower). */
  concurrency: (role: string) => number,
): StepBound {
  const sorted = [...records].sort((a, b) => a.startMs - b.startMs);
  const runs: CallRecord[][] = [];
  for (const r of sorted) {
    const last = runs[runs.length - 1];
    if (last && roleClass(last[0]!) === roleClass(r)) last.push(r);
    else runs.push([r]);
  }
  let nextGraph = 0;
  const phases = runs.map((calls): PhaseBound => {
    const role = roleClass(calls[0]!);
    const graph = role === 'backward' ? graphs[nextGraph++] : undefined;
    const boundMs =
      role === 'task'
        ? taskPhaseMs(calls, latency, concurrency(role))
        : graph
          ? backwardPhaseMs(graph, calls, latency, concurrency(role))
          : intervalChainMs(calls, latency);
    return {
      role,
      calls: calls.length,
      boundMs,
      spanMs: Math.max(...calls.map((c) => c.endMs)) - Math.min(...calls.map((c) => c.startMs)),
    };
  });
  return { boundMs: phases.reduce((s, p) => s + p.boundMs, 0), phases };
}
