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
  let gradients = 0;

  for (const level of levels) {
    // Nodes of one level do not feed each other: their engine calls may run at once...
    const results = await Promise.all(
      level.map((node) => (engine.flowsThrough(node) && node.backwardFn ? node.backwardFn(engine) : [])),
    );
    // ...but their gradients are applied in a fixed order, whatever order the calls finished in.
    for (const batch of results) {
      for (const { to, gradient } of batch) {
        to.addGradient(gradient);
        gradients++;
      }
    }
  }

  return {
    ...engine.counts,
    gradients,
    peakConcurrency: engine.peakConcurrency,
    durationMs: performance.now() - started,
  };
}

/** Every node reachable from `root`, each after all its predecessors. Throws on a cycle, naming it. */
export function topologicalOrder(root: Parameter): Parameter[] {
  const order: Parameter[] = [];
  const done = new Set<Parameter>();
  const path: Parameter[] = []; // the DFS stack, to detect and name a cycle
  const onPath = new Set<Parameter>();
  const visit = (node: Parameter): void => {
    if (done.has(node)) return;
    if (onPath.has(node)) {
      const cycle = [...path.slice(path.indexOf(node)), node].map((p) => p.id).join(' -> ');
      throw new GraphCycleError(`the graph has a cycle: ${cycle}`, node.id);
    }
    path.push(node);
    onPath.add(node);
    for (const pred of node.predecessors) visit(pred);
    path.pop();
    onPath.delete(node);
    done.add(node);
    order.push(node);
  };
  visit(root);
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
