/** A run of zero steps evaluates each split once: the final test reuses the initial one. */
import { managedModel, UsageLedger } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import { fixedMethod, toyData, toyProgram, toyTaskModel } from '../testing';
import type { MethodFactory } from './method';
import { MethodRegistry } from './registry';
import { train } from './train';

/** A method of `steps` steps that changes nothing (or, with `edit`, appends a word to every prompt). */
const still = (steps: number, edit = false): MethodFactory<Record<string, never>> =>
  fixedMethod(
    'still',
    'changes nothing',
    ({ program }) => ({
      name: 'still',
      batchSize: 1,
      steps: () => steps,
      step: async (run, batch) => {
        if (edit) for (const p of program.parameters()) if (p.kind === 'prompt') p.value = `${p.value} more`;
        return {
          phase: 'still',
          batch: batch.map((e) => run.program.sampleId(e)),
          tried: edit ? 1 : 0,
          attempts: [],
          accepted: edit,
          bestVal: run.bestVal,
        };
      },
      state: () => ({}),
      restore: () => {},
    }),
    steps,
  );

const data = { train: toyData(0, 4), val: toyData(40, 6), test: toyData(60, 5) };

async function callsOf(factory: MethodFactory<Record<string, never>>) {
  const ledger = new UsageLedger();
  const registry = new MethodRegistry();
  registry.register(factory);
  const result = await train({
    program: toyProgram(managedModel(toyTaskModel(), { ledger, limits: false })),
    data,
    method: 'still',
    registry,
    trainer: { seed: 1 },
    usage: ledger,
  });
  return { calls: ledger.totals().calls, result };
}

describe('final test', () => {
  it('reuses the initial test when no step ran (--steps 0): each split evaluated once', async () => {
    const { calls, result } = await callsOf(still(0));
    expect(calls).toBe(data.val.length + data.test.length);
    expect(result.final.test).toBe(result.initial?.test);
    expect(result.testScores.final).toEqual(result.testScores.initial);
  });

  it('evaluates the test split again after a step ran', async () => {
    const { calls } = await callsOf(still(1, true));
    expect(calls).toBe(data.val.length + 2 * data.test.length);
  });
});
