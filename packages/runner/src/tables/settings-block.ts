/**
 * The settings an experiment's numbers were made with, as lines every table file and the report carry:
 * split sizes, steps and proposals, seeds, repeats, models per role, budgets, commit, dates and package
 * versions. Read from experiment.json and the run records only (no clock), so a rebuild is byte-identical.
 */
import type { SavedExperiment } from '../repro/run-record';

const compact = (value: unknown) => JSON.stringify(value).replace(/"([A-Za-z_][\w-]*)":/g, '$1: ');

const asRecord = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** Distinct values in first-seen order, joined; "mixed" only says there are several. */
function distinct(values: ReadonlyArray<string | undefined>): string {
  const seen = [...new Set(values.filter((v): v is string => v !== undefined))];
  return seen.length === 0 ? 'unknown' : seen.join(', ');
}

function sizesLine(exp: SavedExperiment): string {
  const sizes = asRecord(exp.experiment.sizes);
  const part = (split: string) => `${split} ${sizes[split] ?? 'full'}`;
  return `Split sizes: ${['train', 'val', 'test'].map(part).join(', ')} (first N examples of each split; "full" = the whole split)`;
}

function configLine(exp: SavedExperiment): string {
  const config = asRecord(exp.experiment.config);
  const methodConfig = asRecord(exp.experiment.methodConfig);
  const gdpo = ['steps', 'batchSize', 'proposalsPerStep']
    .filter((k) => config[k] !== undefined)
    .map((k) => `${k} ${String(config[k])}`);
  const others = Object.keys(methodConfig)
    .sort()
    .map((m) => `${m} ${compact(methodConfig[m])}`);
  const parts = [gdpo.length ? `GDPO ${gdpo.join(', ')}` : 'GDPO preset defaults', ...others];
  return `Steps and proposals: ${parts.join('; ')} (each pipeline's reference preset otherwise)`;
}

function modelsLine(exp: SavedExperiment): string {
  const models = asRecord(exp.experiment.models);
  const fromRuns = exp.runs[0]?.record.models ?? {};
  const all = { ...fromRuns, ...models };
  const roles = Object.keys(all).sort();
  return `Models: ${roles.map((r) => `${r} ${String(all[r])}`).join(', ') || 'unknown'}`;
}

function budgetLine(exp: SavedExperiment): string {
  const budgets = exp.experiment.budgets;
  const levels = Array.isArray(budgets) && budgets.length ? `; equal-budget levels ${compact(budgets)}` : '';
  const budget = exp.experiment.budget;
  return `Budget per run: ${budget ? compact(budget) : 'none'}${levels}`;
}

function datesLine(exp: SavedExperiment): string {
  const days = exp.runs.map((r) => r.record.startedAt.slice(0, 10)).sort();
  const first = days[0] ?? 'unknown';
  const last = days.at(-1) ?? first;
  const commit = distinct(exp.runs.map((r) => r.record.versions.commit));
  return `Commit: ${commit}; runs started ${first === last ? first : `${first} to ${last}`}`;
}

function versionsLine(exp: SavedExperiment): string {
  const names = [...new Set(exp.runs.flatMap((r) => Object.keys(r.record.versions)))]
    .filter((n) => n !== 'commit')
    .sort();
  const parts = names.map(
    (n) => `${n.replace('@llm-autodiff/', '')} ${distinct(exp.runs.map((r) => r.record.versions[n]))}`,
  );
  return `Package versions: ${parts.join(', ')}`;
}

/** The settings block, one line per item. */
export function settingsBlock(exp: SavedExperiment): string[] {
  const seeds = distinct(exp.runs.map((r) => String(r.record.seed)));
  const repeats = exp.experiment.repeats ?? Math.max(0, ...exp.runs.map((r) => r.record.repeat + 1));
  return [
    `Experiment: ${exp.name}${exp.simulated ? ' (simulated model)' : ''}; ${exp.runs.length} run(s)`,
    sizesLine(exp),
    configLine(exp),
    `Seeds: ${seeds} (repeat r trains with its own salt); repeats: ${String(repeats)}`,
    modelsLine(exp),
    budgetLine(exp),
    datesLine(exp),
    versionsLine(exp),
  ];
}
