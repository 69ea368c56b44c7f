import { topologicalOrder } from './backward';
import type { ComponentCall, Parameter, ParamKind } from './parameter';

export interface GraphNode {
  id: string;
  name: string;
  kind: ParamKind;
  description: string;
  trainable: boolean;
  sampleId?: string;
  component?: ComponentCall;
  score?: number;
  /** The value as shown in meta-prompts, cut to `maxValueChars`. */
  value: string;
  gradients: Array<{ from: string; callIndex: number; score?: number; feedback: string; isCopy: boolean }>;
}

export interface GraphJson {
  nodes: GraphNode[];
  /** predecessor -> successor */
  edges: Array<{ from: string; to: string }>;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** The graph reachable from `root` as plain JSON (topological order: predecessors first). */
export function exportGraph(root: Parameter, options: { maxValueChars?: number } = {}): GraphJson {
  const max = options.maxValueChars ?? 200;
  const nodes = topologicalOrder(root);
  return {
    nodes: nodes.map((p) => ({
      id: p.id,
      name: p.name,
      kind: p.kind,
      description: p.description,
      trainable: p.trainable,
      sampleId: p.sampleId,
      component: p.component ? { ...p.component } : undefined,
      score: p.score,
      value: cut(p.display(), max),
      gradients: p.gradients.map((g) => ({
        from: g.fromResponseId,
        callIndex: g.callIndex,
        score: g.score,
        feedback: cut(g.feedback, max),
        isCopy: g.isCopy,
      })),
    })),
    edges: nodes.flatMap((p) => p.predecessors.map((q) => ({ from: q.id, to: p.id }))),
  };
}

function label(n: GraphNode): string {
  const parts = [n.name, n.kind + (n.trainable ? ', trainable' : '')];
  if (n.sampleId !== undefined) parts.push(`sample ${n.sampleId}`);
  if (n.component) parts.push(`call ${n.component.callIndex}`);
  if (n.gradients.length) parts.push(`${n.gradients.length} gradient(s)`);
  return parts.join('\n');
}

/** A DOT string: backslashes and quotes escaped, newlines as DOT's `\n`. */
const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/** Graphviz DOT: trainable leaves are boxes, outputs ellipses. */
export function toDot(graph: GraphJson): string {
  const lines = ['digraph autodiff {', '  rankdir=LR;'];
  for (const n of graph.nodes) {
    const shape = n.component || n.kind === 'sum' ? 'ellipse' : 'box';
    const style = n.trainable && !n.component ? ', style=filled, fillcolor="#ffe8a0"' : '';
    lines.push(`  ${quote(n.id)} [label=${quote(label(n))}, shape=${shape}${style}];`);
  }
  for (const e of graph.edges) lines.push(`  ${quote(e.from)} -> ${quote(e.to)};`);
  lines.push('}');
  return lines.join('\n');
}

/** Mermaid flowchart. Ids are replaced by n0, n1, ... (Mermaid ids cannot hold '#' or ':'). */
export function toMermaid(graph: GraphJson): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = ['flowchart LR'];
  for (const n of graph.nodes) {
    const text = label(n).replace(/\n/g, '<br/>').replace(/"/g, '#quot;');
    lines.push(n.component ? `  ${ids.get(n.id)}("${text}")` : `  ${ids.get(n.id)}["${text}"]`);
  }
  for (const e of graph.edges) lines.push(`  ${ids.get(e.from)} --> ${ids.get(e.to)}`);
  return lines.join('\n');
}
