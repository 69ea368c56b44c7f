/**
 * The trainer: initial validation and test (step 0), the text phase (GDPO, constrained or random
 * strategy), the demo phase (bootstrap few-shot), the final test with the best values. A checkpoint is
 * written atomically after every step; `resume` continues a killed run from the last one. A budget error
 * from the model layer stops the run cleanly: the last checkpoint is kept (marked stopped) and the
 * result is marked partial.
 *
 * Task-agnostic: it sees only a core `Program<E>` and its parameters.
 */
import { existsSync } from 'node:fs';
import { BudgetExceededError, type ChatModel } from '@llm-autodiff/llm';
import { readJson, writeJsonAtomic } from './checkpoint';
import { resolveConfig, type TrainerConfigInput, TrainerInputError } from './config';
import { type DemoEnv, DemoOptimizer, demoStep } from './demo-step';
import { type Parameter, type Program, zeroGrad } from './engine';
import { evaluate } from './evaluate';
import { GdpoOptimizer } from './gdpo-optimizer';
import { batchIndices, MovingBatch } from './moving-batch';
import { addGates, type Checkpoint, emptyGates, type StepRecord, type TrainResult } from './records';
import { Rng } from './rng';
import {
  CHECKPOINT_FORMAT,
  dataKey,
  diffConfig,
  parseCheckpoint,
  type TrainData,
  trainableByName,
  uniqueIds,
} from './run-setup';
import { textStep } from './text-step';
import { addUsage, diffUsage, pickUsage, type UsageByRole, type UsageSource } from './usage';

export type { TrainData } from './run-setup';

export interface TrainerModels {
  /** The optimizer model (GDPO proposals; role 'optimizer', never cached). */
  optimizer: ChatModel;
  /** The backward engine (role 'backward'); not needed with ablations.noBackward. */
  backward?: ChatModel;
}

export interface TrainOptions<E> {
  program: Program<E>;
  data: TrainData<E>;
  models: TrainerModels;
  /**
   * The same pipeline on the teacher model (calls with role 'teacher'), for demo bootstrapping; needed
   * when the program has a trainable demos parameter and config.demos.steps > 0.
   */
  teacher?: Program<E>;
  config?: TrainerConfigInput;
  /** Running per-role totals (e.g. the llm UsageLedger) for the step records. */
  usage?: UsageSource;
  /** Where the checkpoint is written after every step. */
  checkpointPath?: string;
  /** Continue from the checkpoint at `checkpointPath` (it must exist). */
  resume?: boolean;
  log?: (line: string) => void;
  /** Called after each step's backward pass with the step and the batch root (e.g. to export its graph). */
  onBackward?: (step: number, root: Parameter) => void | Promise<void>;
}

export async function train<E>(opts: TrainOptions<E>): Promise<TrainResult> {
  const started = performance.now();
  const { program, data } = opts;
  const log = opts.log ?? (() => {});
  const params = program.parameters();
  const trainable = trainableByName(params);
  const byId = uniqueIds(program, data.train, 'train');
  uniqueIds(program, data.val, 'val');
  uniqueIds(program, data.test, 'test');
  const key = dataKey(program, data);

  let ckpt: Checkpoint | undefined;
  if (opts.resume) {
    if (!opts.checkpointPath) throw new TrainerInputError('trainer: resume needs checkpointPath');
    if (!existsSync(opts.checkpointPath))
      throw new TrainerInputError(`trainer: cannot resume, no checkpoint at ${opts.checkpointPath}`);
    ckpt = parseCheckpoint(await readJson(opts.checkpointPath), opts.checkpointPath);
    if (ckpt.program !== program.name)
      throw new TrainerInputError(
        `${opts.checkpointPath}: checkpoint is for program "${ckpt.program}", not "${program.name}"`,
      );
    if (ckpt.dataKey !== key)
      throw new TrainerInputError(
        `${opts.checkpointPath}: checkpoint was written for other train/val/test samples`,
      );
    if (opts.config) {
      const field = diffConfig(resolveConfig(opts.config), ckpt.config);
      if (field)
        throw new TrainerInputError(
          `${opts.checkpointPath}: config field "${field}" differs from the checkpoint's; resume with the same config`,
        );
    }
  }
  const config = ckpt ? resolveConfig(ckpt.config) : resolveConfig(opts.config);
  const a = config.ablations;

  const hasPrompts = [...trainable.values()].some((p) => p.kind === 'prompt');
  const optimizer = hasPrompts
    ? new GdpoOptimizer({
        model: opts.models.optimizer,
        parameters: params,
        historySize: a.noHistory ? 0 : config.historySize,
        failedMemory: config.failedMemory,
        usePeers: !a.noPeers,
        feedback: a.noBackward ? 'none' : a.noFeedbackText ? 'scores-only' : 'gradients',
        constraints: config.constraints,
      })
    : undefined;
  const demoParams = [...trainable.values()].filter((p) => p.kind === 'demos');
  const demoOptimizer =
    demoParams.length > 0 && config.demos.steps > 0
      ? new DemoOptimizer<E>(
          demoParams,
          { ...config.demos, correctThreshold: config.correctThreshold },
          opts.teacher,
        )
      : undefined;

  const moving = new MovingBatch(config.movingBatchCap, config.movingBatchMinErrors, config.correctThreshold);
  const usageNow = (): UsageByRole => pickUsage(opts.usage?.byRole() ?? {});
  const evalAll = (examples: readonly E[], mustBeat?: number) =>
    evaluate(program, examples, {
      concurrency: config.concurrency,
      mustBeat: config.earlyStopValidation ? mustBeat : undefined,
    });

  const currentValues = () => Object.fromEntries([...trainable].map(([name, p]) => [name, p.value]));
  /** The record of a step that only evaluates (step 0 and the final test). */
  const evalRecord = (
    step: number,
    phase: 'init' | 'final',
    valScore: number,
    testScore: number,
    u0: UsageByRole,
    t0: number,
  ): StepRecord => ({
    step,
    phase,
    batch: [],
    subset: [],
    gates: emptyGates(),
    attempts: [],
    accepted: false,
    valScore,
    testScore,
    usage: diffUsage(usageNow(), u0),
    wallMs: performance.now() - t0,
  });

  const snapshot = (
    step: number,
    rng: Rng,
    bestVal: number,
    initial: Checkpoint['initial'],
    records: StepRecord[],
    finalTest?: number,
  ): Checkpoint => ({
    format: CHECKPOINT_FORMAT,
    program: program.name,
    config,
    dataKey: key,
    step,
    values: currentValues(),
    optimizer: optimizer?.state(),
    initial,
    bestVal,
    rng: rng.state(),
    moving: moving.items.map((i) => ({ ...i })),
    demo: demoOptimizer?.state() ?? { teacher: {}, student: {} },
    records: [...records],
    finalTest,
  });
  const save = async (c: Checkpoint): Promise<void> => {
    if (opts.checkpointPath) await writeJsonAtomic(opts.checkpointPath, c);
  };

  let rng: Rng;
  let bestVal: number;
  let initial: Checkpoint['initial'];
  let records: StepRecord[];
  let last: Checkpoint | undefined;
  let stepDone: number;
  const finish = (
    partial: boolean,
    stopReason: string | undefined,
    finalTest: number | undefined,
  ): TrainResult => ({
    program: program.name,
    strategy: config.strategy,
    partial,
    stopReason,
    initial,
    final: { val: bestVal, test: finalTest },
    values: currentValues(),
    steps: records,
    gates: records.reduce((g, r) => addGates(g, r.gates), emptyGates()),
    usage: records.reduce((u, r) => addUsage(u, r.usage), {} as UsageByRole),
    wallMs: performance.now() - started,
    config,
  });

  const stopOnBudget = async (error: Error): Promise<TrainResult> => {
    optimizer?.abandon();
    demoOptimizer?.abandon();
    const reason = `budget reached: ${error.message}`;
    log(`stopped: ${reason}`);
    if (last) await save({ ...last, stopped: reason });
    return finish(true, reason, undefined);
  };

  if (ckpt) {
    for (const [name, value] of Object.entries(ckpt.values)) {
      const p = trainable.get(name);
      if (!p)
        throw new TrainerInputError(
          `${opts.checkpointPath}: checkpoint has a value for "${name}", which is not a trainable parameter of ${program.name}`,
        );
      p.value = value;
    }
    if (ckpt.optimizer && optimizer) optimizer.restore(ckpt.optimizer);
    demoOptimizer?.restore(ckpt.demo);
    moving.items = ckpt.moving.map((i) => ({ ...i }));
    rng = new Rng(ckpt.rng);
    bestVal = ckpt.bestVal;
    initial = ckpt.initial;
    records = [...ckpt.records];
    stepDone = ckpt.step;
    last = { ...ckpt, stopped: undefined };
    log(`resumed ${program.name} after step ${stepDone} (best val ${bestVal.toFixed(4)})`);
  } else {
    rng = new Rng(config.seed);
    initial = { val: 0, test: 0 };
    bestVal = 0;
    records = [];
    stepDone = 0;
    const t0 = performance.now();
    const u0 = usageNow();
    try {
      const val = await evalAll(data.val);
      const test = await evalAll(data.test);
      initial = { val: val.score, test: test.score };
      bestVal = val.score;
      optimizer?.addScore(val.score);
    } catch (error) {
      if (error instanceof BudgetExceededError) return stopOnBudget(error);
      throw error;
    }
    records.push(evalRecord(0, 'init', initial.val, initial.test, u0, t0));
    log(`step 0: val ${initial.val.toFixed(4)} test ${initial.test.toFixed(4)}`);
    last = snapshot(0, rng, bestVal, initial, records);
    await save(last);
  }

  const textSteps = optimizer ? config.steps : 0;
  const totalSteps = textSteps + (demoOptimizer ? config.demos.steps : 0);
  const shuffle = (seed: number, n: number): number[] =>
    new Rng(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  const trainList = [...data.train];
  for (let step = stepDone + 1; step <= totalSteps; step++) {
    const t0 = performance.now();
    const u0 = usageNow();
    const batch = batchIndices(trainList.length, config.batchSize, step - 1, config.seed, shuffle).map(
      (i) => trainList[i] as E,
    );
    let record: Omit<StepRecord, 'step' | 'usage' | 'wallMs' | 'valScore'> & { bestVal: number };
    try {
      if (step <= textSteps && optimizer) {
        record = await textStep(
          {
            program,
            config,
            optimizer,
            backwardEngine: opts.models.backward,
            rng,
            moving,
            val: data.val,
            byId,
            bestVal,
            step,
            onBackward: opts.onBackward && ((root) => opts.onBackward?.(step, root)),
          },
          batch,
        );
      } else if (demoOptimizer) {
        const env: DemoEnv<E> = {
          program,
          config,
          optimizer: demoOptimizer,
          rng,
          train: trainList,
          val: data.val,
          bestVal,
        };
        record = await demoStep(env, batch);
      } else {
        break;
      }
    } catch (error) {
      if (error instanceof BudgetExceededError) return stopOnBudget(error);
      throw error;
    }
    // Graph-free between steps: gradients were cleared by the optimizer; demo traces of text steps too.
    zeroGrad(params, { traces: true });
    const { bestVal: newBest, ...rest } = record;
    bestVal = newBest;
    const full: StepRecord = {
      step,
      ...rest,
      valScore: bestVal,
      usage: diffUsage(usageNow(), u0),
      wallMs: performance.now() - t0,
    };
    records.push(full);
    const g = full.gates;
    log(
      `step ${step}/${totalSteps} ${full.phase}: ${full.accepted ? 'accepted' : 'rejected'}; best val ${bestVal.toFixed(4)};` +
        ` proposals ${g.tried}, mini-batch ${g.miniBatchPassed}/${g.miniBatchPassed + g.miniBatchFailed},` +
        ` validation ${g.validationPassed}/${g.validationPassed + g.validationFailed}`,
    );
    last = snapshot(step, rng, bestVal, initial, records);
    await save(last);
  }

  // Final test with the best values (the parameters hold them: every rejected proposal was reverted).
  let finalTest: number;
  if (ckpt?.finalTest !== undefined) {
    finalTest = ckpt.finalTest;
  } else {
    const t0 = performance.now();
    const u0 = usageNow();
    try {
      finalTest = (await evalAll(data.test)).score;
    } catch (error) {
      if (error instanceof BudgetExceededError) return stopOnBudget(error);
      throw error;
    }
    records.push(evalRecord(totalSteps + 1, 'final', bestVal, finalTest, u0, t0));
    await save(snapshot(totalSteps, rng, bestVal, initial, records, finalTest));
  }
  log(`final: val ${bestVal.toFixed(4)} test ${finalTest.toFixed(4)}`);
  return finish(false, undefined, finalTest);
}
