/**
 * GEPA-style reflective prompt evolution as a trainer method. One step = one GEPA iteration:
 *
 * - merge (scheduled as the reference: each accepted reflective mutation makes one merge due while fewer
 *   than `maxMergeInvocations` merges were accepted; one is tried right after such an iteration): two
 *   frontier candidates with a common ancestor are combined, scored on a validation subsample, and fully
 *   validated only if they match the better parent there. Only an accepted merge uses up a due merge and
 *   the allowance; a rejected one ends the iteration; an accepted one does not make another merge due;
 * - otherwise reflective mutation: a parent from the per-instance Pareto frontier, the next component of
 *   that parent (round robin), the step's minibatch (3, drawn by the trainer) run with traces; a
 *   minibatch where every sample is perfect is skipped; one reflection call rewrites the component from
 *   (inputs, outputs, scores); the child must beat the parent's minibatch sum, then is scored on the whole
 *   validation set and joins the pool.
 *
 * The budget counts metric calls (one per example evaluated, the initial validation included). The
 * program always holds the best-aggregate candidate between steps. Once the budget is spent, `done()`
 * tells the trainer to skip the remaining steps (an iteration may overshoot it by its own cost, as in the
 * reference).
 */
import { type Parameter, renderGradients, trainablePrompts, zeroGrad } from '@llm-autodiff/core';
import {
  attemptValidation,
  defineMethod,
  type Evaluation,
  emptyGates,
  type GateCounts,
  gatedOutcome,
  type Method,
  type MethodSetup,
  type ProposalAttempt,
  type RunContext,
  refused,
  type StepOutcome,
  setsField,
  TrainerInputError,
  z,
} from '@llm-autodiff/trainer';
import { proposedValue } from '../common/answer';
import { proposalSalt } from '../common/salt';
import { applyValues, readValues } from '../common/values';
import { gepaBudget, gepaCostModel } from './cost-model';
import { planMerge } from './merge';
import { bestIndex, type Candidate, selectParent } from './pool';
import { reflectionPrompt } from './prompts';

export const gepaConfigSchema = z
  .object({
    minibatchSize: z.number().int().min(1).default(3).describe('training examples per reflection'),
    maxMetricCalls: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        'budget in metric calls (examples evaluated); 0 = unset: then maxFullEvals, else auto, sets the budget',
      ),
    maxFullEvals: z
      .number()
      .min(0)
      .default(0)
      .describe(
        'budget in full evaluations, each |train| + |val| metric calls; used when maxMetricCalls is 0',
      ),
    auto: z
      .enum(['light', 'medium', 'heavy'])
      .default('light')
      .describe(
        "budget preset when maxMetricCalls and maxFullEvals are 0: DSPy's 6 / 12 / 18 candidates, converted to metric calls as its auto_budget",
      ),
    candidateSelection: z
      .enum(['pareto', 'current_best'])
      .default('pareto')
      .describe('how a parent is chosen'),
    skipPerfectScore: z.boolean().default(true).describe('skip a minibatch where every sample is perfect'),
    perfectScore: z.number().min(0).max(1).default(1).describe('the score that counts as perfect'),
    useMerge: z.boolean().default(true).describe('merge two frontier candidates with a common ancestor'),
    maxMergeInvocations: z
      .number()
      .int()
      .min(0)
      .default(5)
      .describe('accepted merges at most (a rejected merge does not count, as in the reference)'),
    mergeSubsample: z
      .number()
      .int()
      .min(1)
      .default(5)
      .describe('validation examples a merged candidate is first scored on'),
  })
  .strict();

export type GepaConfig = z.output<typeof gepaConfigSchema>;

export interface GepaState {
  pool: Candidate[];
  /** Next component index per candidate (round robin). */
  nextComponent: number[];
  metricCalls: number;
  budget: number;
  /** Merges accepted (the reference's `total_merges_tested`, which counts accepted merges only). */
  merges: number;
  /** Merges scheduled and not yet accepted (the reference's `merges_due`). */
  mergesDue: number;
  triedMerges: string[];
  /** The last iteration accepted a reflective mutation (a merge never sets it). */
  lastFoundNew: boolean;
}

const EPS = 1e-9;

/** A step's outcome while GEPA builds it: its gate counts, turned into `tried` and details by `finish`. */
type Draft = Omit<StepOutcome, 'bestVal' | 'tried'> & { gates: GateCounts };

export class GepaMethod<E> implements Method<E, GepaState> {
  readonly name = 'gepa';
  readonly batchSize: number;
  private readonly prompts: Parameter<string>[];
  private readonly all: Parameter[];
  private s: GepaState = {
    pool: [],
    nextComponent: [],
    metricCalls: 0,
    budget: 0,
    merges: 0,
    mergesDue: 0,
    triedMerges: [],
    lastFoundNew: false,
  };

  constructor(private readonly setup: MethodSetup<GepaConfig, E>) {
    this.batchSize = setup.config.minibatchSize;
    this.all = setup.program.parameters();
    this.prompts = trainablePrompts(setup.program);
    if (this.prompts.length === 0) throw new TrainerInputError('gepa: the pipeline has no trainable prompt');
    if (!setup.models.optimizer)
      throw new TrainerInputError('gepa: a reflection (optimizer) model is required');
  }

  /** An upper bound (every iteration spends at least one minibatch); `done` ends the run at the budget. */
  steps(): number {
    return Math.ceil(this.s.budget / Math.max(1, this.batchSize));
  }

  done(): boolean {
    return this.s.pool.length > 0 && this.s.metricCalls >= this.s.budget;
  }

  init(run: RunContext<E>, initial: { val: Evaluation }): void {
    const c = this.setup.config;
    const budget = gepaBudget(c, {
      train: run.data.train.length,
      val: run.data.val.length,
      prompts: this.prompts.length,
    });
    this.s = {
      pool: [
        {
          values: readValues(this.prompts) as Record<string, string>,
          parents: [],
          scores: { ...initial.val.perItem },
          aggregate: initial.val.score,
          foundAt: initial.val.evaluated,
        },
      ],
      nextComponent: [0],
      metricCalls: initial.val.evaluated,
      budget,
      merges: 0,
      mergesDue: 0,
      triedMerges: [],
      lastFoundNew: false,
    };
  }

  private spend(e: Evaluation | { evaluated: number }): void {
    this.s.metricCalls += e.evaluated;
  }

  private best(): Candidate {
    return this.s.pool[bestIndex(this.s.pool)] as Candidate;
  }

  /** Score a candidate on the whole validation set, add it to the pool, and record the pass. */
  private async admit(
    run: RunContext<E>,
    values: Record<string, string>,
    parents: number[],
    record: { attempt: ProposalAttempt; gates: GateCounts },
  ): Promise<void> {
    applyValues(this.prompts, values);
    const v = await run.evaluate(run.data.val);
    this.spend(v);
    this.s.pool.push({
      values,
      parents,
      scores: { ...v.perItem },
      aggregate: v.score,
      foundAt: this.s.metricCalls,
    });
    this.s.nextComponent.push(0);
    record.gates.validationPassed = 1;
    Object.assign(record.attempt, { accepted: true, ...attemptValidation(v) });
  }

  private finish(run: RunContext<E>, { gates, ...o }: Draft): StepOutcome {
    const best = this.best();
    applyValues(this.prompts, best.values);
    zeroGrad(this.all);
    const gated = gatedOutcome(gates);
    return {
      ...o,
      ...gated,
      bestVal: Math.max(run.bestVal, best.aggregate),
      // GEPA's own gates (mini-batch improvement, then admission to the pool) are its details.
      details: {
        ...o.details,
        ...gated.details,
        pool: this.s.pool.length,
        metricCalls: this.s.metricCalls,
        budget: this.s.budget,
      },
    };
  }

  async step(run: RunContext<E>, batch: readonly E[]): Promise<StepOutcome> {
    if (this.s.pool.length === 0) throw new Error('gepa: init() was not called before the first step');
    const gates = emptyGates();
    const base = { batch: [] as string[], gates, attempts: [] as ProposalAttempt[], accepted: false };
    if (this.s.metricCalls >= this.s.budget) return this.finish(run, { ...base, phase: 'done' });
    const c = this.setup.config;
    if (c.useMerge && this.s.lastFoundNew && (this.s.mergesDue ?? 0) > 0) {
      this.s.lastFoundNew = false;
      const merged = await this.merge(run);
      if (merged) return this.finish(run, merged);
    }
    this.s.lastFoundNew = false;
    return this.finish(run, await this.reflect(run, batch));
  }

  private async merge(run: RunContext<E>): Promise<Draft | undefined> {
    const plan = planMerge(this.s.pool, new Set(this.s.triedMerges), run.rng);
    if (!plan) return undefined;
    this.s.triedMerges.push(`${plan.i},${plan.j},${plan.ancestor}`);
    const gates = emptyGates();
    gates.tried = 1;
    const ci = this.s.pool[plan.i] as Candidate;
    const cj = this.s.pool[plan.j] as Candidate;
    // A subsample where the parents differ first, as the reference; filled up with other instances.
    const ids = Object.keys(ci.scores);
    const differ = ids.filter((id) => Math.abs((ci.scores[id] ?? 0) - (cj.scores[id] ?? 0)) > EPS);
    const same = ids.filter((id) => !differ.includes(id));
    const n = this.setup.config.mergeSubsample;
    const pickIds = [...run.rng.sample(differ, n)];
    if (pickIds.length < n) pickIds.push(...run.rng.sample(same, n - pickIds.length));
    const byId = new Map(run.data.val.map((e) => [run.program.sampleId(e), e]));
    const sub = pickIds.map((id) => byId.get(id)).filter((e) => e !== undefined);
    applyValues(this.prompts, plan.values);
    const ev = await run.evaluate(sub);
    this.spend(ev);
    const sumOf = (scores: Record<string, number>) => pickIds.reduce((s, id) => s + (scores[id] ?? 0), 0);
    const mergedSum = sumOf(ev.perItem);
    const attempt: ProposalAttempt = { accepted: false, values: plan.values, miniBatchScore: ev.score };
    const o = {
      phase: 'merge',
      batch: pickIds,
      gates,
      attempts: [attempt],
      accepted: false,
      details: { parents: [plan.i, plan.j], ancestor: plan.ancestor },
    };
    if (mergedSum + EPS < Math.max(sumOf(ci.scores), sumOf(cj.scores))) {
      gates.miniBatchFailed = 1;
      return o;
    }
    gates.miniBatchPassed = 1;
    await this.admit(run, plan.values, [plan.i, plan.j], { attempt, gates });
    this.s.merges++;
    this.s.mergesDue = Math.max(0, (this.s.mergesDue ?? 0) - 1);
    return { ...o, accepted: true };
  }

  private async reflect(run: RunContext<E>, batch: readonly E[]): Promise<Draft> {
    const c = this.setup.config;
    const gates = emptyGates();
    const parent =
      c.candidateSelection === 'pareto' ? selectParent(this.s.pool, run.rng) : bestIndex(this.s.pool);
    const pc = this.s.pool[parent] as Candidate;
    const k = this.s.nextComponent[parent] ?? 0;
    this.s.nextComponent[parent] = k + 1;
    const target = this.prompts[k % this.prompts.length] as Parameter<string>;
    applyValues(this.prompts, pc.values);
    zeroGrad(this.all);
    const forward = await run.forwardLoss(batch);
    this.spend({ evaluated: forward.length });
    const ids = forward.map((f) => f.id);
    const parentSum = forward.reduce((s, f) => s + f.score, 0);
    const o = {
      phase: 'reflect',
      batch: ids,
      subsetScore: parentSum / Math.max(1, forward.length),
      gates,
      attempts: [] as ProposalAttempt[],
      accepted: false,
      details: { parent, component: target.name } as Record<string, unknown>,
    };
    if (c.skipPerfectScore && forward.every((f) => f.score >= c.perfectScore - EPS)) {
      o.details.skipped = 'all minibatch scores perfect';
      return o;
    }
    // (inputs, outputs, scores) of every call of the component: core's backward without an engine.
    const report = await run.backward(
      forward.map((f) => f.loss),
      { feedbackText: false, computeForAll: true },
    );
    const examples = renderGradients(target, { feedback: false });
    zeroGrad(this.all);
    const optimizer = run.models.optimizer ?? this.setup.models.optimizer;
    if (!optimizer) throw new Error('gepa: no reflection model');
    const answer = await optimizer.complete(
      {
        messages: reflectionPrompt({
          target: { name: target.name, role: target.description, value: target.value },
          examples,
        }),
      },
      { role: 'optimizer', labels: run.labels, cacheSalt: proposalSalt(run, this.s.pool.length) },
    );
    gates.tried = 1;
    const proposed = proposedValue(answer.text);
    const values = { ...pc.values, [target.name]: proposed ?? target.value };
    const attempt: ProposalAttempt = { accepted: false, values };
    o.attempts.push(attempt);
    Object.assign(o, { backward: { calls: report.calls, skipped: report.skipped, copies: report.copies } });
    if (proposed === undefined || proposed === target.value) {
      if (proposed === undefined) gates.parseFailures = 1;
      gates.unchanged = 1;
      return o;
    }
    applyValues(this.prompts, values);
    const mb = await run.evaluate(batch, { metric: 'loss' });
    this.spend(mb);
    const childSum = ids.reduce((s, id) => s + (mb.perItem[id] ?? 0), 0);
    attempt.miniBatchScore = childSum / Math.max(1, ids.length);
    if (!(childSum > parentSum + EPS)) {
      gates.miniBatchFailed = 1;
      return o;
    }
    gates.miniBatchPassed = 1;
    await this.admit(run, values, [parent], { attempt, gates });
    this.s.lastFoundNew = true;
    if (this.s.merges < c.maxMergeInvocations) this.s.mergesDue = (this.s.mergesDue ?? 0) + 1;
    o.accepted = true;
    return o;
  }

  state(): GepaState {
    return structuredClone(this.s);
  }

  restore(state: GepaState): void {
    this.s = structuredClone(state);
  }
}

export const gepaFactory = defineMethod<GepaConfig>({
  name: 'gepa',
  description:
    'GEPA-style reflective evolution: Pareto parent selection, minibatch-gated reflection, merge; budget in metric calls',
  tunes: ['prompt'],
  configSchema: gepaConfigSchema,
  flags: {
    steps: refused('its budget is in metric calls: --method-config \'{"maxMetricCalls":N}\''),
    batch: setsField('minibatchSize'),
  },
  costModel: gepaCostModel,
  create: (setup) => new GepaMethod(setup),
});
