import { join } from 'node:path';
import { exportGraph, type Parameter, toDot, toMermaid } from '@llm-autodiff/core';
import { writeFileAtomic, writeJsonAtomic } from '@llm-autodiff/llm';

/**
 * Writes each step's backward graph as `step-NN.json`, `.dot` and `.mmd` into `dir` (atomically: a report
 * never reads half a file). Used by `train --graph` and by every training run of `repro` (`graphs/`).
 */
export function graphWriter(dir: string): (step: number, root: Parameter) => Promise<void> {
  return async (step, root) => {
    const graph = exportGraph(root);
    const base = join(dir, `step-${String(step).padStart(2, '0')}`);
    await writeJsonAtomic(`${base}.json`, graph);
    await writeFileAtomic(`${base}.dot`, `${toDot(graph)}\n`);
    await writeFileAtomic(`${base}.mmd`, `${toMermaid(graph)}\n`);
  };
}
