/**
 * GDPO's configuration: the paper's defaults and every ablation switch of the design (section 2), as one
 * zod schema (field names, ranges, defaults and the docs of help texts). Invalid values are rejected with
 * the field name, never silently replaced. The run's seed, concurrency and early stopping are the
 * trainer's settings (`@llm-autodiff/trainer`), not GDPO's. The runner's preset settings reuse this schema.
 */
import { parseMethodConfig, z } from '@llm-autodiff/trainer';

const count = (min: number) => z.number().int().min(min);
const unit = z.number().min(0).max(1);

export const ablationsSchema = z
  .object({
    noSelectiveGradients: z
      .boolean()
      .default(false)
      .describe('compute a gradient for every sample, ignoring the skip threshold (TextGrad-like)'),
    noMiniBatchGate: z.boolean().default(false).describe('send every proposal straight to full validation'),
    noHistory: z.boolean().default(false).describe('the optimizer sees no past values'),
    noPeers: z
      .boolean()
      .default(false)
      .describe('the optimizer does not see the other slots of the same component'),
    noFeedbackText: z
      .boolean()
      .default(false)
      .describe('"OPRO with data": the optimizer sees inputs, outputs and scores, no textual feedback'),
    noBackward: z
      .boolean()
      .default(false)
      .describe('no backward pass at all: the optimizer sees history (and failed proposals) only'),
    noPromptTechniques: z
      .boolean()
      .default(false)
      .describe("the optimizer's instructions lose the prompting-techniques section (paper Table 3)"),
  })
  .strict();

/**
 * The demo phase draws as AdalFlow's BootstrapFewShot: every teacher trace is a candidate, weighted (when
 * `weighted`) by max(0, teacher − student) + 1e-5; raw shots are gold training examples (the program's
 * `goldDemo`), weighted by 1 − student score (0 when unseen) + 1e-5. (The first port's draws — teacher-correct
 * traces only, raw shots from the student's correct calls — measured worse on the simulated world and were
 * removed; see the root README.)
 */
export const demoSettingsSchema = z
  .object({
    bootstrapShots: count(0)
      .default(4)
      .describe(
        'teacher demonstrations per proposal (samples the teacher solves, the student preferably fails)',
      ),
    rawShots: count(0).default(2).describe('raw training examples (input and gold answer) per proposal'),
    steps: count(0)
      .default(0)
      .describe('steps of the demo phase, run after the text phase (step numbers continue)'),
    weighted: z
      .boolean()
      .default(true)
      .describe("weighted draws; false = uniform (the reference scripts' weighted_sampling)"),
    teacherInputs: z
      .boolean()
      .default(true)
      .describe(
        "teacher demos keep their inputs (false = only the teacher's output, as the reference's HotPotQA scripts)",
      ),
  })
  .strict();

export const gdpoConfigSchema = z
  .object({
    strategy: z
      .enum(['constrained', 'random'])
      .default('constrained')
      .describe('constrained: proposals follow the gradients and constraints; random: unguided rewrites'),
    batchSize: count(1).default(4).describe('training examples per step'),
    steps: count(0).default(12).describe('steps of the text phase'),
    proposalsPerStep: count(1).default(5).describe('proposals tried per step'),
    historySize: count(0).default(3).describe('past values (with scores) shown to the optimizer'),
    failedMemory: count(0).default(5).describe('rejected proposals shown to the optimizer'),
    skipThreshold: unit
      .default(0.9)
      .describe(
        'selective gradients: a generator whose downstream score is above this gets no backward call',
      ),
    correctThreshold: unit
      .default(0.5)
      .describe('a sample with a score above this counts as correct when choosing the backward subset'),
    maxErrorSamples: count(0).default(2).describe('failed samples in the backward subset'),
    maxCorrectSamples: count(0).default(2).describe('correct samples in the backward subset'),
    movingBatchCap: count(1).default(20).describe('samples the moving batch keeps at most'),
    movingBatchMinErrors: count(0).default(4).describe('errors the moving batch keeps at least'),
    perfectSubsetPassesOnEqual: z
      .boolean()
      .default(true)
      .describe(
        "a proposal that keeps a perfect subset perfect passes the mini-batch gate on equality (the reference's behaviour); false = strict everywhere",
      ),
    constraints: z.array(z.string()).default([]).describe('constraints the optimizer must respect'),
    failedRendering: z
      .enum(['reference', 'full'])
      .default('full')
      .describe(
        'how rejected proposals are shown to the optimizer: method+reasoning (reference) or also value+score',
      ),
    onParseFailure: z
      .enum(['keep', 'raw'])
      .default('keep')
      .describe('an unparseable optimizer answer keeps the old value, or is taken raw (reference)'),
    backwardAccounting: z
      .enum(['paper', 'reference'])
      .default('paper')
      .describe("which nodes get backward-engine calls: the paper's rule or the reference code's"),
    ablations: ablationsSchema.default({}),
    demos: demoSettingsSchema.default({}),
  })
  .strict()
  .refine((c) => c.maxErrorSamples + c.maxCorrectSamples > 0, {
    message: 'maxErrorSamples + maxCorrectSamples must be > 0',
    path: ['maxCorrectSamples'],
  });

export type Ablations = z.output<typeof ablationsSchema>;
export type DemoSettings = z.output<typeof demoSettingsSchema>;
export type GdpoConfig = z.output<typeof gdpoConfigSchema>;
export type GdpoConfigInput = Partial<Omit<GdpoConfig, 'ablations' | 'demos'>> & {
  ablations?: Partial<Ablations>;
  demos?: Partial<DemoSettings>;
};

export const DEFAULT_GDPO_CONFIG: GdpoConfig = gdpoConfigSchema.parse({});
export const DEFAULT_ABLATIONS: Ablations = DEFAULT_GDPO_CONFIG.ablations;

/** GDPO's config with defaults; a mistake is a MethodConfigError naming the field. */
export function resolveGdpoConfig(input: GdpoConfigInput = {}): GdpoConfig {
  return parseMethodConfig('gdpo', gdpoConfigSchema, input);
}
