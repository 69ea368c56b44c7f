/**
 * Each baseline's departures from its reference (the baselines' DEPARTURES data, also their README's
 * tables) as one table per method of the experiment, so the tables folder and the report show how each
 * number was made next to the numbers themselves.
 */
import { type BaselineName, DEPARTURES, type DepartureRow } from '@llm-autodiff/baselines';
import type { Table } from './render';
import type { CellSummary } from './summary';

const isBaseline = (method: string): method is BaselineName => Object.hasOwn(DEPARTURES, method);

/** One table per baseline among the cells' methods (variants `m.x` count as `m`), in the cells' order. */
export function departuresTables(cells: readonly CellSummary[]): Array<Table<DepartureRow>> {
  const methods = [...new Set(cells.map((c) => c.method.split('.')[0] ?? c.method))].filter(isBaseline);
  return methods.map((method) => ({
    name: `departures-${method}`,
    title: `${method}: departures from its reference`,
    notes: [
      'Every row of the reference algorithm: "same", or what this port does instead and why (packages/baselines/src/departures.ts).',
    ],
    columns: (['aspect', 'reference', 'ours', 'why'] as const).map((key) => ({
      header: key,
      md: (r: DepartureRow) => r[key] || '—',
      csv: [[key, (r: DepartureRow) => r[key]]],
    })),
    rows: DEPARTURES[method],
  }));
}
