/**
 * The sanity table's expected ordering, per task, on the full validation splits (no training: a few
 * seconds): start < every concept; each concept alone in between; negated, keyword list and generic
 * reminders no better than the start. Simulated model, not research results.
 */
import { findDataDir, NO_DATA_MESSAGE } from '@llm-autodiff/sim';
import { describe, expect, it } from 'vitest';
import { checkNegations, checkOrdering, SANITY_TASKS, sanityRows } from './support/sim-sanity';

describe.skipIf(findDataDir() === undefined)(
  `sanity table${findDataDir() ? '' : ` (${NO_DATA_MESSAGE})`}`,
  () => {
    it.each(SANITY_TASKS.map((t) => [t.pipeline, t] as const))(
      '%s: the expected ordering holds',
      async (_name, task) => {
        expect(checkNegations(task)).toEqual([]);
        const rows = await sanityRows(task);
        expect(checkOrdering(rows), JSON.stringify(rows)).toEqual([]);
        // The negated concepts mislead: clearly below the start.
        const score = (v: string) => rows.find((r) => r.variant === v)?.score ?? Number.NaN;
        expect(score('every concept negated')).toBeLessThan(score('start'));
      },
      180_000,
    );
  },
);
