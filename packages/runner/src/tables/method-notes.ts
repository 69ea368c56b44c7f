/**
 * The main table's notes on how each method ran: the cells whose method could not use part of the
 * pipeline (the baselines' PARTIAL_USE, e.g. TextGrad's feedback stopping at a retriever) and the
 * teacher each method's runs had. A note rather than a column, so a reader of a cell finds it below.
 */
import { PARTIAL_USE } from '@llm-autodiff/baselines';
import type { CellSummary } from './summary';

/** `gdpo.noHistory` → `gdpo`: variants share their method's limits. */
const baseOf = (method: string): string => method.split('.')[0] ?? method;

/** One note per partly used part, naming the cells of this table it concerns. */
export function partialUseNotes(cells: readonly CellSummary[]): string[] {
  return PARTIAL_USE.flatMap((p) => {
    const hit = cells.filter((c) => baseOf(c.method) === p.method && p.pipelines.includes(c.pipeline));
    if (hit.length === 0) return [];
    const where = hit.map((c) => `${c.method} on ${c.pipeline}`).join(', ');
    return [`Partly used (${where}): ${p.note}. Each step names them in details.${p.detail}.`];
  });
}

/** One note listing each method's teacher(s), when the runs recorded one. */
export function teacherNotes(cells: readonly CellSummary[]): string[] {
  const byMethod = new Map<string, Set<string>>();
  for (const c of cells) {
    const set = byMethod.get(c.method) ?? new Set<string>();
    for (const t of c.teachers) set.add(t);
    byMethod.set(c.method, set);
  }
  // By method name: the note reads the same whatever order the cells come in.
  const parts = [...byMethod]
    .sort(([a], [b]) => a.localeCompare(b))
    .filter(([, teachers]) => teachers.size > 0)
    .map(([method, teachers]) => `${method}: ${[...teachers].join(' / ')}`);
  if (parts.length === 0) return [];
  return [
    `Teachers (run.json \`teacher\`; "student": the method bootstraps its demos from the task model itself, as DSPy's default; "none": no teacher): ${parts.join('; ')}.`,
  ];
}
