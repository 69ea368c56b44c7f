/**
 * MIPROv2-style optimization (`mipro`) as a trainer method.
 *
 * Step 1 (propose): demo-set candidates per demos slot with the BFSRS seeds (zero-shot, labeled-only,
 * unshuffled, shuffled); a data summary (observation calls over batches of training examples, then a
 * summary call); a program description and one description per prompt's module; instruction candidates
 * per prompt — candidate 0 is the current instruction, each other one is a grounded proposal (data
 * summary, program and module descriptions, demos, a random tip).
 * Steps 2 … T+1 (trials): a seeded search over (instruction × demo set) per parameter (see
 * mipro-search.ts for why it replaces TPE), each trial scored on a validation minibatch; every
 * `minibatchFullEvalSteps` trials and at the last one, the best-averaging untested combination is fully
 * validated and kept if it beats the best validation score.
 */
import { type Demo, type Parameter, trainableDemos, trainablePrompts } from '@llm-autodiff/core';
import {
  attemptValidation,
  beats,
  defineMethod,
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
import { applyValues, displayValues, readValues, type Values } from '../common/values';
import { settingsOf } from './bootstrap';
import { miproCostModel, miproTrials } from './cost-model';
import { createDemoBootstrapper, type DemoBootstrapper } from './demo-bootstrap';
import { proposeInstructions } from './grounded-proposer';
import { bestUnevaluated, choiceKey, nextChoice, type TrialRecord } from './mipro-search';

const int = (min: number) => z.number().int().min(min);

export const miproConfigSchema = z
  .object({
    numCandidates: int(1)
      .default(6)
      .describe(
        'N: demo-set candidates per slot, and instruction candidates (N, or N/2 when demos are tuned too)',
      ),
    numTrials: int(0)
      .default(0)
      .describe("trials; 0 = the reference's max(2·V·log2 N, 1.5·N), V doubled when demos are tuned"),
    minibatchSize: int(1).default(35).describe('validation examples per trial'),
    minibatchAboveVal: int(0)
      .default(50)
      .describe(
        "trials use minibatches only when the validation set is larger than this (the reference's 50)",
      ),
    minibatchFullEvalSteps: int(1).default(5).describe('trials between full validations'),
    maxBootstrappedDemos: int(0).default(4).describe('teacher demos per demo-set candidate'),
    maxLabeledDemos: int(0).default(4).describe('labeled demos per demo-set candidate'),
    successThreshold: z
      .number()
      .min(0)
      .max(1)
      .default(1e-9)
      .describe('loss score of a successful teacher run'),
    viewDataBatchSize: int(1).default(10).describe('training examples per observation call'),
    dataSummaryExamples: int(1)
      .default(30)
      .describe(
        'training examples shown to the data summarizer (the reference walks the trainset up to a limit)',
      ),
    tips: z.boolean().default(true).describe('a random proposal tip in each instruction proposal'),
    startupTrials: int(0)
      .default(0)
      .describe(
        "uniform trials after the default one, before the search exploits (TPE's startup); 0 = min(10, T/2)",
      ),
    exploit: z
      .number()
      .min(0)
      .max(1)
      .default(0.75)
      .describe('share of trials that exploit the best averages'),
  })
  .strict();

export type MiproConfig = z.output<typeof miproConfigSchema>;

export interface MiproState {
  instructions: Record<string, string[]>;
  demoSets: Record<string, Demo[][]>;
  summary: string;
  history: TrialRecord[];
  evaluated: string[];
  best?: { choice: number[]; score: number };
}

export class MiproMethod<E> implements Method<E, MiproState> {
  readonly name = 'mipro';
  readonly batchSize = 0;
  private readonly prompts: Parameter<string>[];
  private readonly slots: Parameter<Demo[]>[];
  private readonly boot: DemoBootstrapper<E>;
  private s: MiproState = { instructions: {}, demoSets: {}, summary: '', history: [], evaluated: [] };

  constructor(private readonly setup: MethodSetup<MiproConfig, E>) {
    this.prompts = trainablePrompts(setup.program);
    // No demos allowed (0 bootstrapped + 0 labeled): instructions only, as the reference's zero-shot
    // path (the HotPotQA multi-hop scripts run it so); the slots stay empty and are not searched.
    const demosAllowed = setup.config.maxBootstrappedDemos + setup.config.maxLabeledDemos > 0;
    this.slots = demosAllowed ? trainableDemos(setup.program) : [];
    if (this.prompts.length + this.slots.length === 0)
      throw new TrainerInputError('mipro: the pipeline has no trainable prompt or demos slot');
    if (this.prompts.length > 0 && !setup.models.optimizer)
      throw new TrainerInputError('mipro: a prompt (optimizer) model is required to propose instructions');
    this.boot = createDemoBootstrapper(this.slots);
  }

  trials(): number {
    return miproTrials(this.setup.config, this.prompts.length, this.slots.length);
  }

  steps(): number {
    return 1 + this.trials();
  }

  async step(run: RunContext<E>): Promise<StepOutcome> {
    return run.step === 1 ? this.propose(run) : this.trial(run, run.step - 2);
  }

  private async propose(run: RunContext<E>): Promise<StepOutcome> {
    const c = this.setup.config;
    const n = Math.max(1, c.numCandidates);
    // 1. Demo-set candidates with the BFSRS seeds.
    for (const slot of this.slots) this.s.demoSets[slot.name] = [];
    for (let seed = -3; seed < n - 3; seed++) {
      let sets: Record<string, Demo[]>;
      if (seed === -3) sets = Object.fromEntries(this.slots.map((s) => [s.name, []]));
      else if (seed === -2) sets = await this.boot.labeledOnly(run, c.maxLabeledDemos, run.rng);
      else if (seed === -1) sets = await this.boot.build(run, run.data.train, settingsOf(c), run.rng);
      else {
        const size = 1 + run.rng.int(Math.max(1, c.maxBootstrappedDemos));
        sets = await this.boot.build(run, run.rng.shuffle(run.data.train), settingsOf(c, size), run.rng);
      }
      for (const slot of this.slots) this.s.demoSets[slot.name]?.push(sets[slot.name] ?? []);
    }
    // 2. Grounded instruction proposals.
    this.s.instructions = Object.fromEntries(this.prompts.map((p) => [p.name, [p.value]]));
    // Instruction candidates: N, or ⌊N/2⌋ when demos are tuned too (the reference spends more on demos then).
    const perPrompt = this.slots.length > 0 ? Math.max(1, Math.floor(n / 2)) : n;
    if (this.prompts.length > 0) {
      const model = run.models.optimizer ?? this.setup.models.optimizer;
      if (!model) throw new Error('mipro: no prompt (optimizer) model');
      const proposed = await proposeInstructions({
        run,
        model,
        prompts: this.prompts,
        slots: this.slots,
        demoSets: this.s.demoSets,
        perPrompt,
        settings: c,
      });
      this.s.summary = proposed.summary;
      this.s.instructions = proposed.instructions;
    }
    return {
      phase: 'propose',
      batch: [],
      tried: 0,
      attempts: [],
      accepted: false,
      bestVal: run.bestVal,
      details: {
        instructions: Object.fromEntries(Object.entries(this.s.instructions).map(([k, v]) => [k, v.length])),
        demoSets: Object.fromEntries(Object.entries(this.s.demoSets).map(([k, v]) => [k, v.length])),
        summary: this.s.summary,
      },
    };
  }

  private sizes(): number[] {
    return [
      ...this.prompts.map((p) => this.s.instructions[p.name]?.length ?? 1),
      ...this.slots.map((s) => Math.max(1, this.s.demoSets[s.name]?.length ?? 1)),
    ];
  }

  private valuesOf(choice: readonly number[]): Values {
    const out: Values = {};
    this.prompts.forEach((p, d) => {
      out[p.name] = this.s.instructions[p.name]?.[choice[d] ?? 0] ?? p.value;
    });
    this.slots.forEach((s, k) => {
      const sets = this.s.demoSets[s.name] ?? [];
      out[s.name] = sets[choice[this.prompts.length + k] ?? 0] ?? s.value;
    });
    return out;
  }

  private async trial(run: RunContext<E>, t: number): Promise<StepOutcome> {
    const c = this.setup.config;
    const params = [...this.prompts, ...this.slots];
    const kept = readValues(params);
    const total = this.trials();
    const startup = c.startupTrials > 0 ? c.startupTrials : Math.min(10, Math.floor(total / 2));
    const choice = nextChoice(this.sizes(), this.s.history, { startup, exploit: c.exploit }, run.rng);
    const values = this.valuesOf(choice);
    applyValues(params, values);
    if (run.data.val.length <= c.minibatchAboveVal) return this.fullTrial(run, t, choice, values, kept);
    const minibatch = run.rng.sample(run.data.val, Math.min(c.minibatchSize, run.data.val.length));
    const mb = await run.evaluate(minibatch);
    this.s.history.push({ choice, score: mb.score });
    const attempts: ProposalAttempt[] = [
      { accepted: false, values: displayValues(params, values), miniBatchScore: mb.score },
    ];
    let accepted = false;
    let bestVal = run.bestVal;
    applyValues(params, kept);
    if ((t + 1) % c.minibatchFullEvalSteps === 0 || t === total - 1) {
      const pick = bestUnevaluated(this.s.history, new Set(this.s.evaluated));
      if (pick) {
        this.s.evaluated.push(choiceKey(pick));
        const full = this.valuesOf(pick);
        applyValues(params, full);
        const v = await run.validate();
        const attempt: ProposalAttempt = {
          accepted: false,
          values: displayValues(params, full),
          ...attemptValidation(v),
        };
        attempts.push(attempt);
        accepted = this.keepIfBetter(run, pick, v, attempt, kept);
        if (accepted) bestVal = v.score;
      }
    }
    return {
      phase: 'search',
      batch: minibatch.map((e) => run.program.sampleId(e)),
      tried: 1,
      attempts,
      accepted,
      bestVal,
      details: { trial: t, choice },
    };
  }

  /** Small validation sets: every trial is a full evaluation (as the reference below 50 examples). */
  private async fullTrial(
    run: RunContext<E>,
    t: number,
    choice: number[],
    values: Values,
    kept: Values,
  ): Promise<StepOutcome> {
    const params = [...this.prompts, ...this.slots];
    const key = choiceKey(choice);
    const seen = this.s.history.find((h) => choiceKey(h.choice) === key);
    if (seen) {
      // A combination already scored on the whole set: its score is known (deterministic, cached calls).
      applyValues(params, kept);
      this.s.history.push({ choice, score: seen.score });
      return {
        phase: 'search',
        batch: [],
        tried: 1,
        attempts: [],
        accepted: false,
        bestVal: run.bestVal,
        details: { trial: t, choice, repeat: true },
      };
    }
    const v = await run.evaluate(run.data.val);
    this.s.history.push({ choice, score: v.score });
    this.s.evaluated.push(key);
    const attempt: ProposalAttempt = {
      accepted: false,
      values: displayValues(params, values),
      ...attemptValidation(v),
    };
    const accepted = this.keepIfBetter(run, choice, v, attempt, kept);
    return {
      phase: 'search',
      batch: [],
      tried: 1,
      attempts: [attempt],
      accepted,
      bestVal: accepted ? v.score : run.bestVal,
      details: { trial: t, choice },
    };
  }

  /** Keep `choice` (its values are on the program) when it beats the best validation; else restore `kept`. */
  private keepIfBetter(
    run: RunContext<E>,
    choice: number[],
    v: { score: number; complete: boolean },
    attempt: ProposalAttempt,
    kept: Values,
  ): boolean {
    const params = [...this.prompts, ...this.slots];
    if (v.complete && beats(v.score, run.bestVal)) {
      attempt.accepted = true;
      this.s.best = { choice, score: v.score };
      return true;
    }
    applyValues(params, kept);
    return false;
  }

  state(): MiproState {
    return structuredClone(this.s);
  }
  restore(state: MiproState): void {
    this.s = structuredClone(state);
  }
}

export const miproFactory = defineMethod<MiproConfig>({
  name: 'mipro',
  description:
    'MIPROv2-style: bootstrapped demo sets + grounded instruction proposals, seeded minibatch search with periodic full evaluation',
  tunes: ['prompt', 'demos'],
  configSchema: miproConfigSchema,
  flags: {
    steps: refused('its steps are one proposal step plus its trials: --method-config \'{"numTrials":N}\''),
    batch: setsField('minibatchSize'),
  },
  costModel: miproCostModel,
  create: (setup) => new MiproMethod(setup),
});
