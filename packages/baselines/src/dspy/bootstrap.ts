/**
 * DSPy-style BootstrapFewShot (`bootstrap`) and BootstrapFewShotWithRandomSearch (`bfsrs`).
 *
 * bootstrap: one step — teacher traces on success (at most `maxBootstrappedDemos`), labeled fill-up to
 * `maxLabeledDemos`; the result is kept as is (the reference has no evaluation pass); one full
 * validation is run to report its score.
 *
 * bfsrs: one candidate per step, seeds -3 … N-1: zero-shot, labeled-only, unshuffled bootstrap, then
 * shuffled training order with a demo count drawn from [1, maxBootstrappedDemos]. Each candidate is
 * scored on the whole validation set (no early stop, as the reference); the best (first on ties) stays.
 */
import { type Demo, type Parameter, type Program, trainableDemos } from '@llm-autodiff/core';
import {
  attemptValidation,
  beats,
  defineMethod,
  type Method,
  type MethodSetup,
  type RunContext,
  refused,
  type StepOutcome,
  TrainerInputError,
  z,
} from '@llm-autodiff/trainer';
import { applyValues, displayValues, readValues, type Values } from '../common/values';
import { bfsrsCostModel, bootstrapCostModel } from './cost-model';
import { type BootstrapSettings, createDemoBootstrapper, type DemoBootstrapper } from './demo-bootstrap';

const bootstrapFields = {
  maxBootstrappedDemos: z.number().int().min(0).default(4).describe('teacher demos kept at most (successes)'),
  maxLabeledDemos: z
    .number()
    .int()
    .min(0)
    .default(16)
    .describe('labeled training examples filling the slot up to this many demos'),
  successThreshold: z
    .number()
    .min(0)
    .max(1)
    .default(1e-9)
    .describe('loss score a teacher run needs to count as a success (the reference: a truthy metric, > 0)'),
};

export const bootstrapConfigSchema = z.object(bootstrapFields).strict();

export const bfsrsConfigSchema = z
  .object({
    ...bootstrapFields,
    numCandidatePrograms: z
      .number()
      .int()
      .min(0)
      .default(16)
      .describe('N: candidates besides the three fixed seeds (N + 3 steps)'),
  })
  .strict();

export type BootstrapConfig = z.output<typeof bootstrapConfigSchema>;
export type BfsrsConfig = z.output<typeof bfsrsConfigSchema>;

const NO_BATCHES = refused('it has no batches: it walks the training set until it has its demos');

export function settingsOf(c: BootstrapConfig, maxBootstrapped = c.maxBootstrappedDemos): BootstrapSettings {
  return {
    maxBootstrapped,
    maxLabeled: c.maxLabeledDemos,
    successThreshold: c.successThreshold,
  };
}

function demoSlots<E>(program: Program<E>, method: string): Parameter<Demo[]>[] {
  const slots = trainableDemos(program);
  if (slots.length === 0)
    throw new TrainerInputError(`${method}: the pipeline has no trainable demos slot to fill`);
  return slots;
}

function outcome(
  phase: string,
  slots: readonly Parameter[],
  values: Values,
  v: { score: number; complete: boolean; evaluated: number },
  accepted: boolean,
  bestVal: number,
  details?: Record<string, unknown>,
): StepOutcome {
  return {
    phase,
    batch: [],
    tried: 1,
    attempts: [
      {
        accepted,
        values: displayValues(slots, values),
        ...attemptValidation(v),
      },
    ],
    accepted,
    bestVal,
    details,
  };
}

export class BootstrapMethod<E> implements Method<E, Record<string, never>> {
  readonly name = 'bootstrap';
  readonly batchSize = 0;
  private readonly slots: Parameter<Demo[]>[];
  private readonly boot: DemoBootstrapper<E>;

  constructor(private readonly setup: MethodSetup<BootstrapConfig, E>) {
    this.slots = demoSlots(setup.program, 'bootstrap');
    this.boot = createDemoBootstrapper(this.slots);
  }

  steps(): number {
    return 1;
  }

  async step(run: RunContext<E>): Promise<StepOutcome> {
    const demos = await this.boot.build(run, run.data.train, settingsOf(this.setup.config), run.rng);
    applyValues(this.slots, demos);
    // No gate in the reference: the compiled program is the result. One complete validation reports it.
    const v = await run.validate({ mustBeat: Number.NEGATIVE_INFINITY });
    return outcome('bootstrap', this.slots, demos, v, true, v.score);
  }

  state(): Record<string, never> {
    return {};
  }
  restore(): void {}
}

export interface BfsrsState {
  best?: { values: Values; score: number; seed: number };
}

export class BfsrsMethod<E> implements Method<E, BfsrsState> {
  readonly name = 'bfsrs';
  readonly batchSize = 0;
  private readonly slots: Parameter<Demo[]>[];
  private readonly boot: DemoBootstrapper<E>;
  private best: BfsrsState['best'];

  constructor(private readonly setup: MethodSetup<BfsrsConfig, E>) {
    this.slots = demoSlots(setup.program, 'bfsrs');
    this.boot = createDemoBootstrapper(this.slots);
  }

  steps(): number {
    return this.setup.config.numCandidatePrograms + 3;
  }

  /** The candidate of a seed: -3 zero-shot, -2 labeled-only, -1 unshuffled, >= 0 shuffled with a random size. */
  async candidate(run: RunContext<E>, seed: number): Promise<Values> {
    const c = this.setup.config;
    if (seed === -3) return Object.fromEntries(this.slots.map((s) => [s.name, []]));
    if (seed === -2) return this.boot.labeledOnly(run, c.maxLabeledDemos, run.rng);
    if (seed === -1) return this.boot.build(run, run.data.train, settingsOf(c), run.rng);
    const order = run.rng.shuffle(run.data.train);
    const size = 1 + run.rng.int(Math.max(1, c.maxBootstrappedDemos));
    return this.boot.build(run, order, settingsOf(c, size), run.rng);
  }

  async step(run: RunContext<E>): Promise<StepOutcome> {
    const seed = run.step - 4;
    const values = await this.candidate(run, seed);
    const kept = readValues(this.slots);
    applyValues(this.slots, values);
    // Every candidate on the whole validation set, as the reference (no early stop).
    const v = await run.evaluate(run.data.val);
    // The bar is the best complete validation so far: the starting program (DSPy's zero-shot seed when it
    // has no demos) or the best candidate. Strict: the first of equal candidates stays.
    const accepted = v.complete && beats(v.score, run.bestVal);
    if (accepted) this.best = { values, score: v.score, seed };
    else applyValues(this.slots, kept);
    const bestVal = accepted ? v.score : run.bestVal;
    return outcome('search', this.slots, values, v, accepted, bestVal, { seed });
  }

  state(): BfsrsState {
    return structuredClone({ best: this.best });
  }
  restore(state: BfsrsState): void {
    this.best = structuredClone(state.best);
  }
}

export const bootstrapFactory = defineMethod<BootstrapConfig>({
  name: 'bootstrap',
  description: 'DSPy-style BootstrapFewShot: teacher traces on success, labeled fill-up (demos only)',
  tunes: ['demos'],
  configSchema: bootstrapConfigSchema,
  flags: {
    steps: refused(
      'it makes one pass over the training set; size its demos with --method-config \'{"maxBootstrappedDemos":N}\'',
    ),
    batch: NO_BATCHES,
  },
  costModel: bootstrapCostModel,
  create: (setup) => new BootstrapMethod(setup),
});

export const bfsrsFactory = defineMethod<BfsrsConfig>({
  name: 'bfsrs',
  description: 'DSPy-style BootstrapFewShotWithRandomSearch: N+3 demo-set candidates, best on validation',
  tunes: ['demos'],
  configSchema: bfsrsConfigSchema,
  flags: {
    steps: refused(
      'its steps are its candidates: --method-config \'{"numCandidatePrograms":N}\' runs N + 3 steps',
    ),
    batch: NO_BATCHES,
  },
  costModel: bfsrsCostModel,
  create: (setup) => new BfsrsMethod(setup),
});
