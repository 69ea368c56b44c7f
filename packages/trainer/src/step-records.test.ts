/**
 * Method-neutral step records: what every method has (tried, accepted, its summary) is read the same way
 * for all; gate counts are one method family's details, found where that family puts them.
 */
import { describe, expect, it } from 'vitest';
import { stepRecordSchema } from './checkpoint';
import { emptyGates, gatedOutcome, gateSummary, gatesOf, gateTotals, stepLine } from './step-records';

const gated = (passed: boolean) => ({
  ...emptyGates(),
  tried: 2,
  miniBatchPassed: 1,
  miniBatchFailed: 1,
  validationPassed: passed ? 1 : 0,
  validationFailed: passed ? 0 : 1,
});

describe('step records', () => {
  it('one step line for every method: kept or not, tried, then the method summary if it has one', () => {
    expect(stepLine({ accepted: false, tried: 1 })).toBe('rejected, tried 1');
    expect(stepLine({ accepted: true, tried: 2, summary: gateSummary(gated(true)) })).toBe(
      'accepted, tried 2; mini-batch 1/2, validation 1/1',
    );
  });

  it('gate counts are read from a step details, or from an older record; a method without gates has none', () => {
    expect(gatesOf({ details: { gates: gated(true) } })?.validationPassed).toBe(1);
    expect(gatesOf({ gates: gated(false) })?.validationFailed).toBe(1);
    // Something else called `gates` in a method's details is not taken for gate counts.
    expect(gatesOf({ details: { gates: { tried: 'two' } } })).toBeUndefined();
    expect(gateTotals([{ details: { trial: 3 } }, {}])).toBeUndefined();
    // What a gated method writes (`gatedOutcome`) is what `gatesOf` reads, with `tried` and the summary.
    const outcome = gatedOutcome(gated(true));
    expect(gatesOf(outcome)).toEqual(gated(true));
    expect(outcome).toMatchObject({ tried: 2, summary: 'mini-batch 1/2, validation 1/1' });
    expect(gateTotals([{ details: { gates: gated(true) } }, {}, { gates: gated(false) }])).toEqual({
      ...emptyGates(),
      tried: 4,
      miniBatchPassed: 2,
      miniBatchFailed: 2,
      validationPassed: 1,
      validationFailed: 1,
    });
  });

  it('a record written before `tried` existed takes it from its gate counts; a new one keeps its own', () => {
    const base = {
      step: 1,
      phase: 'text',
      batch: [],
      subset: [],
      attempts: [],
      accepted: false,
      valScore: 0.5,
      usage: {},
      wallMs: 1,
    };
    expect(stepRecordSchema.parse({ ...base, gates: gated(false) }).tried).toBe(2);
    expect(stepRecordSchema.parse({ ...base, tried: 3, summary: 's' })).toMatchObject({
      tried: 3,
      summary: 's',
    });
    expect(stepRecordSchema.parse(base).tried).toBe(0);
  });
});
