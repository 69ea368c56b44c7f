/**
 * Whether two experiments measured the same thing: seeds, pipelines, split sizes and models per role,
 * read from experiment.json and the run records. Differences become one warning line for `compare`
 * (cells of experiments that differ there compare settings, not code).
 */
import type { SavedExperiment } from '../repro/run-record';

type Side = Pick<SavedExperiment, 'runs'> & Partial<Pick<SavedExperiment, 'experiment'>>;

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();
const show = (xs: readonly string[]) => (xs.length ? xs.join(', ') : 'none');

function facets(e: Side): Record<string, string[]> {
  const records = e.runs.map((r) => r.record);
  const sizes = e.experiment?.sizes;
  return {
    seeds: sorted(records.map((r) => String(r.seed))),
    pipelines: sorted(records.map((r) => r.pipeline)),
    sizes: sizes && typeof sizes === 'object' ? [JSON.stringify(sizes)] : [],
    models: sorted(records.flatMap((r) => Object.entries(r.models).map(([role, m]) => `${role} ${m}`))),
  };
}

/** One line naming what differs (old → new), or undefined when seeds, pipelines, sizes and models match. */
export function settingsWarning(oldExp: Side, newExp: Side): string | undefined {
  const [a, b] = [facets(oldExp), facets(newExp)];
  const differ = Object.keys(a).filter((k) => show(a[k] ?? []) !== show(b[k] ?? []));
  if (differ.length === 0) return undefined;
  const parts = differ.map((k) => `${k} ${show(a[k] ?? [])} → ${show(b[k] ?? [])}`);
  return `Warning: the experiments differ in ${parts.join('; ')}: their differences measure the settings, not only the code.`;
}
