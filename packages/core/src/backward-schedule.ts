import type { Gradient } from './gradient';
import type { GradientFor, Parameter } from './parameter';

/**
 * What a backward pass does at one node, once every successor has given it feedback: the gradients it
 * sends to its predecessors, or undefined when the node sends none (it is not trained, or the rule
 * stops the feedback there). Core's `backward` runs each node's recorded backward function (GDPO's
 * rule); a method with other semantics (TextGrad's) passes its own rule to the same scheduler.
 */
export type BackwardRule = (node: Parameter) => Promise<readonly GradientFor[]> | undefined;

interface Pending {
  /** Position of the source node in level order, then of the gradient in its batch. */
  source: number;
  index: number;
  gradient: Gradient;
}

/**
 * The one backward scheduler: runs `rule` at every node as soon as all its successors have run (data flow), instead of
 * level by level: a level waited for its slowest engine call before any node of the next level could
 * start, so one slow call held back every sample's next hop.
 *
 * Gradients still reach each node in a fixed order, whatever order the calls finish in: those bound for
 * a node wait in its inbox and are added, sorted by their source's place in level order, right before the
 * node runs — the order the level-by-level walk added them in. Ready nodes start first come, first served.
 * A work list, not recursion: a chain of 100,000 nodes never deepens the call stack. Resolves with the
 * number of gradients added; the first failing backward function (a spent budget, a replay miss) rejects
 * it, and no further node starts.
 */
export function runBackwardDataflow(levels: Parameter[][], rule: BackwardRule): Promise<number> {
  const order = levels.flat();
  const rank = new Map<Parameter, number>(order.map((node, i) => [node, i]));
  const remaining = new Int32Array(order.length);
  for (const node of order)
    for (const pred of node.predecessors) {
      const r = rank.get(pred);
      if (r !== undefined) remaining[r] = (remaining[r] ?? 0) + 1;
    }
  const inbox: Array<Pending[] | undefined> = new Array(order.length);
  const ran = new Uint8Array(order.length);
  // First in, first out (read from `head`): nodes start in the order they became ready, breadth first.
  const ready: number[] = order.length > 0 ? [0] : [];
  let head = 0;
  let gradients = 0;
  let active = 0;
  let failed = false;

  return new Promise<number>((resolve, reject) => {
    const finish = (i: number, results: readonly GradientFor[]) => {
      results.forEach(({ to, gradient }, index) => {
        const r = rank.get(to);
        // A target outside the walk, or one that already ran, takes its gradient at once.
        if (r === undefined || ran[r]) {
          to.addGradient(gradient);
          gradients++;
        } else {
          const box = inbox[r] ?? [];
          box.push({ source: i, index, gradient });
          inbox[r] = box;
        }
      });
      for (const pred of (order[i] as Parameter).predecessors) {
        const r = rank.get(pred);
        if (r === undefined) continue;
        const left = (remaining[r] ?? 0) - 1;
        remaining[r] = left;
        if (left === 0) ready.push(r);
      }
    };
    const pump = () => {
      while (!failed && head < ready.length) {
        const i = ready[head++] as number;
        const node = order[i] as Parameter;
        const box = inbox[i];
        if (box) {
          box.sort((a, b) => a.source - b.source || a.index - b.index);
          for (const p of box) node.addGradient(p.gradient);
          gradients += box.length;
          inbox[i] = undefined;
        }
        ran[i] = 1;
        const sent = rule(node);
        if (sent) {
          active++;
          sent.then(
            (results) => {
              active--;
              finish(i, results);
              pump();
            },
            (error: unknown) => {
              // A stop (budget, signal, replay miss) ends the pass: nothing further starts or resolves.
              if (!failed) reject(error);
              failed = true;
            },
          );
        } else finish(i, []);
      }
      if (!failed && active === 0 && head === ready.length) resolve(gradients);
    };
    pump();
  });
}
