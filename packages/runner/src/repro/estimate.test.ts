import { describe, expect, it } from 'vitest';
import { parseExperiment } from '../experiment/load';
import { estimate, formatEstimate, isPaid } from './estimate';
import { planExperiment } from './plan';
import { type MeasuredMethod, readStepCounts, type StepCountTable } from './step-counts';

const tokens = (prompt: number, completion: number) => ({ prompt, completion });
const perTask = { callsPerExample: { task: 1 }, tokensPerCall: { task: tokens(100, 10) } };
/** [calls, driver, prompt tokens per call] per role. */
type Seen = Record<string, [number, number, number]>;

function method(phase: string, seen: Seen): MeasuredMethod {
  const roles = Object.fromEntries(
    Object.entries(seen).map(([role, [calls, driver, prompt]]) => [
      role,
      { calls, driver, tokensPerCall: tokens(prompt, prompt / 20) },
    ]),
  );
  return {
    reference: { config: {}, sizes: { train: 10, val: 10, test: 10 }, repeats: 1, steps: 1 },
    phases: { [phase]: roles },
    final: perTask,
  };
}

/** A hand-made table: trec with gdpo (text phase) and textgrad measured, nothing else. */
const table: StepCountTable = {
  format: 2,
  measured: 'test',
  pipelines: {
    trec: {
      shape: { prompts: 1, demoSlots: 1 },
      eval: perTask,
      methods: {
        gdpo: method('text', { task: [20, 40, 100], backward: [4, 4, 1000], optimizer: [2, 2, 2000] }),
        textgrad: method('steps', { task: [13, 13, 100], backward: [6, 3, 500], optimizer: [1, 1, 800] }),
      },
    },
  },
};

const sizes = () => ({ train: 10, val: 10, test: 10 });

function plan(models: string, steps: number, methods = '[start, gdpo]', extra = '') {
  const e = parseExperiment(
    `name: e\npipelines: [trec]\nmethods: ${methods}\nconfig: { steps: ${steps}, batchSize: 4, proposalsPerStep: 2 }\n${models}${extra}`,
    'e.yaml',
  );
  return planExperiment(e, '/r');
}

describe('dry-run estimate', () => {
  it('counts evaluation calls per example and scales the method calls by its drivers', () => {
    const one = estimate(plan('', 1).runs, table, {}, sizes);
    // start: val + test = 20 task calls. gdpo, 1 step: 20 + final test 10; text task driver at these
    // settings is 1 x (4 + 2 x (4 + 10)) = 32, half a call per unit -> 16; backward 4 x 1; optimizer 2 x 1.
    expect(one.byMethod.start?.calls).toBe(20);
    expect(one.byMethod.gdpo?.calls).toBe(30 + 16 + 4 + 2);
    const three = estimate(plan('', 3).runs, table, {}, sizes);
    expect(three.byRole.backward?.calls).toBe(12);
    expect(three.byRole.optimizer?.promptTokens).toBe(6 * 2000);
    expect(three.total.usd).toBe(0);
    expect(three.paid).toEqual([]);
  });

  it("uses each method's own counts and config: textgrad's steps and backward calls are its own", () => {
    const e = estimate(
      plan('', 4, '[gdpo, textgrad]', '\nmethodConfig: { textgrad: { epochs: 2, stepsPerEpoch: 3 } }\n').runs,
      table,
      {},
      sizes,
    );
    // textgrad: 6 steps of batch 3 -> backward driver 18, measured 2 calls per unit.
    expect(e.byMethod.textgrad).toBeDefined();
    expect(e.runs.find((r) => r.method === 'textgrad')?.byRole.backward?.calls).toBe(36);
    expect(e.runs.find((r) => r.method === 'gdpo')?.byRole.backward?.calls).toBe(16);
    expect(e.byMethod.textgrad?.calls).not.toBe(e.byMethod.gdpo?.calls);
  });

  it('lists a method or pipeline without measured counts as not estimated, never borrowing another', () => {
    const e = estimate(plan('', 2, '[gdpo, gepa]').runs, table, {}, sizes);
    expect(e.byMethod.gepa).toBeUndefined();
    expect(e.unmeasured).toEqual(['trec__gepa__r0']);
    expect(formatEstimate(e).join('\n')).toMatch(
      /not estimated \(no measured counts for gepa on trec\): trec__gepa__r0/,
    );
    const noPipeline = estimate(plan('', 2).runs, { ...table, pipelines: {} }, {}, sizes);
    expect(noPipeline.unmeasured).toEqual(['trec__start__r0', 'trec__gdpo__r0']);
    expect(noPipeline.total.calls).toBe(0);
  });

  it('prices the OpenAI API with the table; local servers are free; unknown prices are listed', () => {
    expect(isPaid('openai:gpt-4o')).toBe(true);
    expect(isPaid('openai:llama@http://localhost:11434/v1')).toBe(false);
    expect(isPaid('sim:task')).toBe(false);
    const runs = plan('models: { task: "openai:gpt-4o" }\n', 1).runs;
    const priced = estimate(runs, table, { 'gpt-4o': { input: 1, output: 10 } }, sizes, (s) => s);
    const t = priced.total;
    expect(t.usd).toBeCloseTo((t.promptTokens * 1 + t.completionTokens * 10) / 1e6, 10);
    expect(priced.paid).toEqual(['openai:gpt-4o']);
    const unpriced = estimate(runs, table, {}, sizes, (s) => s);
    expect(unpriced.unpriced).toEqual(['openai:gpt-4o']);
    expect(formatEstimate(unpriced).join('\n')).toMatch(/no price known for openai:gpt-4o/);
  });
});

describe('dry-run estimate with the committed measurements', () => {
  const measured = readStepCounts();
  const all = '[start, gdpo, textgrad, bootstrap, bfsrs, mipro, gepa]';
  const runsOf = (extra = '', config = 'config: { steps: 4 }\n') =>
    planExperiment(
      parseExperiment(`name: e\npipelines: [object-count]\nmethods: ${all}\n${config}${extra}`, 'e.yaml'),
      '/r',
    ).runs;
  const full = () => ({ train: 50, val: 100, test: 100 });

  it('measures every method on object-count: each is estimated, the demo methods make no backward calls', () => {
    const e = estimate(runsOf(), measured, {}, full);
    expect(e.unmeasured).toEqual([]);
    const roles = (m: string) => e.runs.find((r) => r.method === m)?.byRole ?? {};
    for (const m of ['bootstrap', 'bfsrs']) {
      expect(roles(m).backward).toBeUndefined();
      // No teacher named: they bootstrap from the student (DSPy's default), so no teacher calls.
      expect(roles(m).teacher).toBeUndefined();
      expect(roles(m).task?.calls).toBeGreaterThan(0);
    }
    expect(roles('textgrad').backward?.calls).toBeGreaterThan(0);
    expect(roles('gdpo').backward?.calls).toBeGreaterThan(0);
    expect(roles('gepa').optimizer?.calls).toBeGreaterThan(0);
    // Six methods, six different totals.
    const totals = ['gdpo', 'textgrad', 'bootstrap', 'bfsrs', 'mipro', 'gepa'].map(
      (m) => e.byMethod[m]?.calls,
    );
    expect(new Set(totals).size).toBe(6);
  });

  it("grows with each method's own settings and with the validation set", () => {
    const base = estimate(runsOf(), measured, {}, full).byMethod;
    const more = estimate(
      runsOf(
        'methodConfig: { textgrad: { epochs: 6 }, bfsrs: { numCandidatePrograms: 32 }, gepa: { maxMetricCalls: 3000 } }\n',
        'config: { steps: 8 }\n',
      ),
      measured,
      {},
      full,
    ).byMethod;
    for (const m of ['gdpo', 'textgrad', 'bfsrs', 'gepa'])
      expect(more[m]?.calls ?? 0).toBeGreaterThan(base[m]?.calls ?? 0);
    // Settings of one method leave the others alone.
    expect(more.mipro?.calls).toBe(base.mipro?.calls);
    // Fewer demos per prompt: the same calls, shorter task prompts.
    const fewDemos = estimate(
      runsOf('methodConfig: { bfsrs: { maxLabeledDemos: 4 } }\n'),
      measured,
      {},
      full,
    );
    const task = (x: typeof fewDemos) => x.runs.find((r) => r.method === 'bfsrs')?.byRole.task;
    const defaults = estimate(runsOf(), measured, {}, full);
    expect(task(fewDemos)?.promptTokens ?? 0).toBeLessThan(task(defaults)?.promptTokens ?? 0);
    const smallVal = estimate(runsOf(), measured, {}, () => ({ train: 50, val: 20, test: 100 })).byMethod;
    expect(smallVal.bfsrs?.calls ?? 0).toBeLessThan(base.bfsrs?.calls ?? 0);
  });
});
