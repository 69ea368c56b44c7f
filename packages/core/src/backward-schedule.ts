import type { FeedbackEngine } from './feedback-engine';
import type { Gradient } from './gradient';
import type { Parameter } from './parameter';

interface Pending {
  /** Position of the source node in level order, then of the gradient in its batch. */
  source: number;
  index: number;
  gradient: Gradient;
}

/**
 * Runs every node's backward function as soon as all its successors have run (data flow), instead of
 * level by level: a level waited for its slowest engine call before any node of the next level could
 * start, so one slow call held back every sample's next hop.
 *
 * Gradients still reach each node in a fixed order, whatever order the calls finish in: those bound for
 * a node wait in its inbox and are added, sorted by their source's place in level order, right before the
 * node runs — the order the level-by-level walk added them in. Returns the number of gradients added.
 */
export async function runBackwardDataflow(levels: Parameter[][], engine: FeedbackEngine): Promise<number> {
  const order = levels.flat();
  const rank = new Map(order.map((node, i) => [node, i]));
  const remaining = new Map<Parameter, number>();
  for (const node of order)
    for (const pred of node.predecessors) remaining.set(pred, (remaining.get(pred) ?? 0) + 1);
  const inbox = new Map<Parameter, Pending[]>();
  const ran = new Set<Parameter>();
  let gradients = 0;
  let failed = false;

  const add = (to: Parameter, gradient: Gradient) => {
    to.addGradient(gradient);
    gradients++;
  };

  const run = async (node: Parameter): Promise<void> => {
    const box = inbox.get(node);
    if (box) {
      box.sort((a, b) => a.source - b.source || a.index - b.index);
      for (const p of box) add(node, p.gradient);
      inbox.delete(node);
    }
    ran.add(node);
    // Always yield before the predecessors start, so a 100,000-node chain never deepens the call stack.
    let results: Awaited<ReturnType<NonNullable<Parameter['backwardFn']>>>;
    try {
      results = await (engine.flowsThrough(node) && node.backwardFn
        ? node.backwardFn(engine)
        : Promise.resolve([]));
    } catch (error) {
      // A budget or replay miss stops the pass: no further node starts.
      failed = true;
      throw error;
    }
    const source = rank.get(node) ?? 0;
    results.forEach(({ to, gradient }, index) => {
      // A target outside the walk, or one that already ran, takes its gradient at once.
      if (!rank.has(to) || ran.has(to)) {
        add(to, gradient);
        return;
      }
      const list = inbox.get(to) ?? [];
      list.push({ source, index, gradient });
      inbox.set(to, list);
    });
    if (failed) return;
    const ready: Parameter[] = [];
    for (const pred of node.predecessors) {
      const left = (remaining.get(pred) ?? 1) - 1;
      remaining.set(pred, left);
      if (left === 0) ready.push(pred);
    }
    await Promise.all(ready.map(run));
  };

  const root = order[0];
  if (root) await run(root);
  return gradients;
}
