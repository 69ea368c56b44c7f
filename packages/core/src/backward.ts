import { runBackwardDataflow } from './backward-schedule';
import { BackwardConfigError, GraphCycleError, NothingTrainableError } from './errors';
import { type BackwardOptions, type BackwardReport, FeedbackEngine } from './feedback-engine';
import { Parameter } from './parameter';

/**
 * The heart of the engine, as in micrograd. Forward (train mode) recorded, on every output node, its
 * predecessors and a backward function that turns the feedback the node received into gradients for its
 * predecessors. Backward sorts the graph topologically and walks it from the root down, so a node runs
 * only once every successor has given it feedback.
 */
export async function backward(root: Parameter, options: BackwardOptions): Promise<BackwardReport> {
  if (!(root instanceof Parameter))
    throw new BackwardConfigError('backward(root, options): root must be a Parameter');
  const engine = new FeedbackEngine(options, root.id); // checks the options first
  const levels = levelsFromRoot(root);
  if (!levels.some((level) => level.some((node) => node.trainable))) {
    throw new NothingTrainableError(
      'backward(): nothing trainable is reachable from this root, so no gradient can be computed. ' +
        "Were the losses computed in eval mode? Run each sample with runSample(id, 'train', …) (or " +
        'program.forwardLoss), and give the pipeline at least one param() that is trainable.',
      `root '${root.name}'`,
    );
  }
  const started = performance.now();

  // Each node runs once all its successors have given it feedback (data flow, not level by level); the
  // gradients still reach every node in a fixed order, whatever order the calls finished in.
  const gradients = await runBackwardDataflow(levels, (node) =>
    engine.flowsThrough(node) && node.backwardFn ? node.backwardFn(engine) : undefined,
  );

  return {
    ...engine.counts,
    gradients,
    peakConcurrency: engine.peakConcurrency,
    durationMs: performance.now() - started,
  };
}

/**
 * Every node reachable from `root`, each after all its predecessors. Throws on a cycle, naming it.
 * Iterative depth-first search: a chain of 100,000 functions must not exhaust the call stack.
 */
export function topologicalOrder(root: Parameter): Parameter[] {
  const order: Parameter[] = [];
  const done = new Set<Parameter>();
  // The DFS path with, per node, the index of the next predecessor to visit; `onPath` names a cycle.
  const path: Array<{ node: Parameter; next: number }> = [{ node: root, next: 0 }];
  const onPath = new Set<Parameter>([root]);
  while (path.length > 0) {
    const top = path[path.length - 1]!;
    const pred = top.node.predecessors[top.next++];
    if (pred === undefined) {
      path.pop();
      onPath.delete(top.node);
      done.add(top.node);
      order.push(top.node);
      continue;
    }
    if (done.has(pred)) continue;
    if (onPath.has(pred)) {
      const nodes = path.map((f) => f.node);
      const cycle = [...nodes.slice(nodes.indexOf(pred)), pred].map((p) => p.id).join(' -> ');
      throw new GraphCycleError(`the graph has a cycle: ${cycle}`, pred.id);
    }
    path.push({ node: pred, next: 0 });
    onPath.add(pred);
  }
  return order;
}

/**
 * Reverse topological order, grouped: level 0 is the root, and every node sits one level below its
 * deepest successor. Nodes of one level are independent (none is a predecessor of another).
 */
export function levelsFromRoot(root: Parameter): Parameter[][] {
  const order = topologicalOrder(root).reverse();
  const depth = new Map<Parameter, number>([[root, 0]]);
  const levels: Parameter[][] = [];
  for (const node of order) {
    const d = depth.get(node) ?? 0;
    const level = levels[d] ?? [];
    level.push(node);
    levels[d] = level;
    for (const pred of node.predecessors) depth.set(pred, Math.max(depth.get(pred) ?? 0, d + 1));
  }
  return levels;
}
