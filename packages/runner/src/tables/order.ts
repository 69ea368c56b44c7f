/**
 * The paper's order of rows and columns: methods start, TextGrad, DSPy-style, GEPA-style, LLM-AutoDiff
 * (GDPO), then its ablations; pipelines in the registry's (= the paper's) order. Anything else follows,
 * by name (code-point order), so a table never depends on the order runs were read.
 */
import { PIPELINE_NAMES } from '@llm-autodiff/tasks';

const METHOD_RANK = ['start', 'textgrad', 'dspy', 'bootstrap', 'bfsrs', 'mipro', 'gepa', 'gdpo'];

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function rankOf(method: string): number {
  const exact = METHOD_RANK.indexOf(method);
  if (exact >= 0) return exact;
  // A GDPO ablation (`gdpo.noHistory`) follows GDPO; another method's variant follows its base.
  const base = METHOD_RANK.indexOf(method.split('.')[0] ?? '');
  return base >= 0 ? base + 0.5 : METHOD_RANK.length;
}

export function compareMethods(a: string, b: string): number {
  return rankOf(a) - rankOf(b) || byName(a, b);
}

export function comparePipelines(a: string, b: string): number {
  const rank = (p: string) => {
    const i = (PIPELINE_NAMES as readonly string[]).indexOf(p);
    return i < 0 ? PIPELINE_NAMES.length : i;
  };
  return rank(a) - rank(b) || byName(a, b);
}

/** Distinct values in the paper's order. */
export function methodsInOrder(methods: Iterable<string>): string[] {
  return [...new Set(methods)].sort(compareMethods);
}

export function pipelinesInOrder(pipelines: Iterable<string>): string[] {
  return [...new Set(pipelines)].sort(comparePipelines);
}
