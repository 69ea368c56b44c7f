import { type Parameter, topologicalOrder } from '@llm-autodiff/core';
import { type ChatRequest, ScriptedModel } from '@llm-autodiff/llm';
import type { ScoredPassage } from '../src/retrieval/corpus';

/** Every node of a recorded graph, predecessors first. */
export function nodes(root: Parameter): Parameter[] {
  return topologicalOrder(root);
}

/** The one node with this name (throws when absent or repeated: the test says which). */
export function node(root: Parameter, name: string): Parameter {
  const found = nodes(root).filter((p) => p.name === name);
  if (found.length !== 1) throw new Error(`expected one node named ${name}, found ${found.length}`);
  return found[0]!;
}

export function nodesNamed(root: Parameter, name: string): Parameter[] {
  return nodes(root).filter((p) => p.name === name);
}

export function predecessorNames(p: Parameter): string[] {
  return p.predecessors.map((q) => q.name);
}

/** A backward engine that always answers with feedback naming the target variable. */
export function feedbackEngine(): ScriptedModel {
  return ScriptedModel.fn(
    (req: ChatRequest) => {
      const text = req.messages.map((m) => m.content).join('\n');
      const name = text.match(/<TARGET_VARIABLE>[\s\S]*?<NAME>([^<]*)<\/NAME>/)?.[1] ?? '?';
      return `Feedback for ${name.trim()}: be more careful.`;
    },
    { id: 'scripted:engine' },
  );
}

/** The user message of a recorded call. */
export function userText(req: ChatRequest): string {
  return req.messages.find((m) => m.role === 'user')?.content ?? '';
}

export function systemText(req: ChatRequest): string {
  return req.messages.find((m) => m.role === 'system')?.content ?? '';
}

/** A tiny in-memory retriever: passages containing any query word, in corpus order. */
export function wordRetriever(passages: Array<{ title: string; text: string }>) {
  const docs: ScoredPassage[] = passages.map((p, i) => ({
    id: String(i),
    title: p.title,
    text: p.text,
    score: 0,
  }));
  const calls: Array<{ query: string; k: number }> = [];
  return {
    calls,
    search(query: string, k: number): ScoredPassage[] {
      calls.push({ query, k });
      const words = query
        .toLowerCase()
        .split(/\W+/)
        .filter((w) => w.length > 3);
      return docs
        .filter((d) => words.some((w) => `${d.title} ${d.text}`.toLowerCase().includes(w)))
        .slice(0, k);
    },
  };
}
