/**
 * Every baseline in the simulated world (ObjectCount, 20 train / 20 validation, default budgets): the
 * validation score holds or rises. Simulated model: these figures exercise the machinery only.
 */
import { findDataDir, NO_DATA_MESSAGE } from '@llm-autodiff/sim';
import { describe, expect, it } from 'vitest';
import { BASELINE_METHODS } from './register';
import { simObjectCount } from './testing/sim-run';

const HAS_DATA = findDataDir() !== undefined;

describe.skipIf(!HAS_DATA)(
  HAS_DATA ? 'baselines on simulated ObjectCount' : `baselines on simulated ObjectCount (${NO_DATA_MESSAGE})`,
  () => {
    for (const factory of BASELINE_METHODS) {
      it(`${factory.name} holds or raises validation within its default budget`, async () => {
        const r = await simObjectCount(factory, {});
        expect(r.steps).toBeGreaterThan(0);
        expect(r.final).toBeGreaterThanOrEqual(r.initial);
        const roles = r.ledger.byRole();
        // the methods' own calls are accounted under their roles
        if (factory.name === 'textgrad') expect(roles.backward?.calls).toBe(12 * 6);
        if (factory.tunes.includes('demos')) expect(roles.teacher?.calls).toBeGreaterThan(0);
      });
    }
  },
);
