/**
 * The run loop every method shares: initial validation and test (step 0), the method's steps (a
 * checkpoint after each), the final test with the best values. A budget error from the model layer or an
 * aborted signal stops the run cleanly: the last checkpoint is kept (marked stopped) and the result is
 * partial; `resume` continues it and ends where an uninterrupted run would. The run's own `budget`
 * meters every managed-model call made inside it (llm's `withBudget`); each checkpoint records what was
 * spent, and a resume credits it, so the limits hold across processes.
 *
 * On a stop the trainer itself puts the program back to the last checkpoint's values (core's
 * `restoreCommitted`): a method never has to undo a step it was stopped in.
 *
 * Task-agnostic and method-agnostic: it sees a core `Program<E>` and a `Method` (see method.ts).
 */
import { existsSync } from 'node:fs';
import { type Parameter, type Program, restoreCommitted, zeroGrad } from '@llm-autodiff/core';
import {
  Budget,
  type BudgetOptions,
  budgetSpend,
  FileWriteError,
  recordUnmanagedCalls,
  runCacheSalt,
  SpendJournal,
  SpendJournalError,
  stopKind,
  UsageLedger,
  withBudget,
} from '@llm-autodiff/llm';
import { batchIndices } from './batches';
import { methodByName } from './builtin-methods';
import {
  CHECKPOINT_FORMAT,
  type Checkpoint,
  checkpointSpend,
  checkpointUsage,
  readCheckpoint,
  writeCheckpoint,
} from './checkpoint';
import { lockCheckpoint } from './checkpoint-lock';
import { TrainerInputError } from './errors';
import { evaluate } from './evaluate';
import { diffManifests } from './manifest-diff';
import type { Method, MethodFactory, MethodModels } from './method';
import { wrongValue } from './param-values';
import { methods as defaultRegistry, type MethodRegistry } from './registry';
import { Rng } from './rng';
import { dataKey, diffConfig, type TrainData, trainableByName, uniqueIds } from './run-checks';
import { type RunShared, runContext } from './run-context';
import { resolveTrainerSettings } from './settings';
import { type StepRecord, stepLine, type TrainerSettings, type TrainResult } from './step-records';
import { diffUsage, pickUsage, type UsageByRole, type UsageSource } from './usage';

export interface TrainOptions<E> {
  program: Program<E>;
  /** The same pipeline on the teacher model (calls with role 'teacher'), for methods that bootstrap demos. */
  teacher?: Program<E>;
  data: TrainData<E>;
  models?: MethodModels;
  /** A registered method's name (see registry.ts) or a factory. */
  method: string | MethodFactory;
  /** The method's config (resolved by the factory). On resume: omit, or give the checkpoint's. */
  methodConfig?: unknown;
  /** seed, concurrency, earlyStopValidation. On resume: omit, or give the checkpoint's. */
  trainer?: Partial<TrainerSettings>;
  /**
   * Running per-role totals (e.g. the llm UsageLedger) for the step records. A `UsageLedger` also records
   * the calls of models the program made itself and did not manage (llm's `recordUnmanagedCalls`).
   */
  usage?: UsageSource;
  /** Where the checkpoint is written after every step (its spend journal beside it, `spendJournalPath`). */
  checkpointPath?: string;
  /** Continue from the checkpoint at `checkpointPath` (it must exist). */
  resume?: boolean;
  /**
   * Limits on the run's model calls, tokens and dollars, in total and per role (cache hits are free).
   * Every call through a managed model (`managedModel`, `ModelPool`) made by the run counts; a spent
   * budget stops the run like a signal (checkpoint kept, partial result). On resume the checkpoint's
   * spend counts against it.
   */
  budget?: BudgetOptions;
  /** Aborting stops the run at the next step boundary, like a spent budget (checkpoint kept, partial result). */
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Warnings even a quiet run must show, e.g. a checkpoint that could not be written (default: `log`). */
  warn?: (line: string) => void;
  /** Called after each method step is checkpointed, with its record and the run's step count (progress). */
  onStepDone?: (record: StepRecord, run: { totalSteps: number }) => void;
  /** Called after each backward pass with the step and the batch root (e.g. to export its graph). */
  onBackward?: (step: number, root: Parameter) => void | Promise<void>;
  /** Where a method name is looked up (default: the process-wide registry). */
  registry?: MethodRegistry;
  /**
   * Called as each step begins (0 = the initial evaluation, steps + 1 = the final test), e.g. to label
   * the task model's calls with their step (a replay's cache miss then names it).
   */
  onStep?: (step: number) => void;
  /**
   * The run's cache salt (e.g. llm's `runCacheSalt({ seed, repeat })`), given to every method as
   * `run.cacheSalt`. Default: `runCacheSalt({ seed })` of the run's seed (repeat 0).
   */
  cacheSalt?: string;
  /**
   * What the run is made with (models, sampling, data hashes, salt, versions; JSON). Stored in the
   * checkpoint; a resume whose manifest differs is refused with the list of differences.
   */
  manifest?: Record<string, unknown>;
  /**
   * The checkpoint's lock (`<checkpoint>.lock`): two runs never share one checkpoint. `staleMs`: after
   * how long a lock left by a killed process is taken over (default 5000, at least 2000). `false`: no lock.
   */
  lock?: { staleMs?: number } | false;
  /**
   * Called after each checkpoint is on disk, with its step (tests: a hook that throws here is a kill at
   * that boundary, nothing after it happens; a resume must then end as the uninterrupted run).
   */
  afterCheckpoint?: (step: number) => void | Promise<void>;
}

/** What the loop keeps between steps; a snapshot adds the values, the methods' states and the RNG. */
type RunState = Omit<Checkpoint, 'values' | 'method' | 'rng' | 'format'>;

/** A stop that keeps the checkpoint: a spent budget or an aborted signal. */
class RunStopped extends Error {
  constructor(
    message: string,
    readonly kind: 'budget' | 'signal',
  ) {
    super(message);
  }
}

export async function train<E>(opts: TrainOptions<E>): Promise<TrainResult> {
  const budget = runBudget(opts.budget);
  const run = () => withBudget(budget, () => trainWithin(budget, opts));
  // The run's ledger also records the calls of models the program made itself and never managed (e.g. a
  // rule model built inside a `--program` factory): the result's usage shows its task calls.
  return opts.usage instanceof UsageLedger ? recordUnmanagedCalls(opts.usage, run) : run();
}

function runBudget(options: BudgetOptions | undefined): Budget {
  try {
    return new Budget(options ?? {});
  } catch (error) {
    throw new TrainerInputError(`trainer: ${(error as Error).message}`);
  }
}

async function trainWithin<E>(budget: Budget, opts: TrainOptions<E>): Promise<TrainResult> {
  const started = performance.now();
  const { program, data } = opts;
  const log = opts.log ?? (() => {});
  const factory =
    typeof opts.method === 'string'
      ? await methodByName(opts.method, opts.registry ?? defaultRegistry)
      : opts.method;
  const params = program.parameters();
  const trainable = trainableByName(params);
  const byId = uniqueIds(program, data.train, 'train');
  uniqueIds(program, data.val, 'val');
  uniqueIds(program, data.test, 'test');
  const key = dataKey(program, data);
  // A method that tunes nothing (evaluation only, e.g. `start`) runs on any pipeline.
  if (factory.tunes.length > 0 && ![...trainable.values()].some((p) => factory.tunes.includes(p.kind)))
    throw new TrainerInputError(
      `method "${factory.name}" tunes ${factory.tunes.join(' and ')} parameters; ${program.name} has no trainable one`,
    );

  const unlock =
    opts.checkpointPath && opts.lock !== false
      ? await lockCheckpoint(opts.checkpointPath, { staleMs: opts.lock?.staleMs, log })
      : undefined;
  try {
    return await trainLocked(opts, factory, { params, trainable, byId, key, started, log, budget });
  } finally {
    await unlock?.();
  }
}

interface Prepared {
  params: Parameter[];
  trainable: Map<string, Parameter>;
  byId: Map<string, unknown>;
  key: string;
  started: number;
  log: (line: string) => void;
  /** The run's own budget (the `budget` option; no limits without one), scoped over the whole run. */
  budget: Budget;
}

async function trainLocked<E>(
  opts: TrainOptions<E>,
  factory: MethodFactory,
  { params, trainable, byId, key, started, log, budget }: Prepared,
): Promise<TrainResult> {
  const ckpt = opts.resume ? await resumable(opts, factory, key) : undefined;
  // A journal without a checkpoint is a run killed before its first checkpoint: its calls were billed
  // all the same, so the run started again over it counts them. (A finished or stopped run always leaves
  // a checkpoint; a fresh run over one starts its journal afresh.)
  const path = opts.checkpointPath;
  const orphan = !ckpt && path !== undefined && !existsSync(path) && existsSync(spendJournalPath(path));
  const journal = openJournal(path, ckpt !== undefined || orphan);
  if (orphan && journal.continued)
    log(
      `counting the calls of this run's earlier process, killed before its first checkpoint (${journal.path})`,
    );
  try {
    // A resumed run keeps its budget: everything its earlier processes billed (the journal; for a
    // checkpoint older than journals, what its finished steps spent) counts against it.
    if (journal.continued)
      for (const [role, s] of Object.entries(journal.spent())) budget.credit(role, budgetSpend(s));
    else if (ckpt)
      for (const [role, spend] of Object.entries(checkpointSpend(ckpt))) budget.credit(role, spend);
    budget.observe(journal);
    return await trainJournaled(opts, factory, ckpt, journal, {
      params,
      trainable,
      byId,
      key,
      started,
      log,
      budget,
    });
  } finally {
    journal.close();
  }
}

/** Where a checkpoint's spend journal is: beside it. */
export function spendJournalPath(checkpointPath: string): string {
  return `${checkpointPath}.spend.jsonl`;
}

/** A fresh run starts its journal empty; a resume appends to it (in memory only without a checkpoint). */
function openJournal(checkpointPath: string | undefined, resume: boolean): SpendJournal {
  try {
    return new SpendJournal(checkpointPath ? { path: spendJournalPath(checkpointPath), append: resume } : {});
  } catch (error) {
    // A damaged journal is bad input; one that cannot be written (full disk) stays a write failure.
    if (error instanceof SpendJournalError && error.reading) throw new TrainerInputError(error.message);
    throw error;
  }
}

async function trainJournaled<E>(
  opts: TrainOptions<E>,
  factory: MethodFactory,
  ckpt: Checkpoint | undefined,
  journal: SpendJournal,
  { params, trainable, byId, key, started, log, budget }: Prepared,
): Promise<TrainResult> {
  const { program, data } = opts;
  const settings = ckpt ? ckpt.trainer : resolveTrainerSettings(opts.trainer);
  const config = ckpt ? factory.resolveConfig(ckpt.method.config) : factory.resolveConfig(opts.methodConfig);
  const cacheSalt = opts.cacheSalt ?? runCacheSalt({ seed: settings.seed });
  const created = factory.create({
    config,
    program,
    teacher: opts.teacher,
    models: opts.models ?? {},
    cacheSalt,
  });
  const phases: Method<E>[] = Array.isArray(created) ? created : [created];
  // Read after init/restore: a method's step count may depend on the data (e.g. a budget in metric calls).
  const totalSteps = (): number => phases.reduce((n, m) => n + m.steps(), 0);

  const usageNow = (): UsageByRole => pickUsage(opts.usage?.byRole() ?? {});
  const currentValues = () => Object.fromEntries([...trainable].map(([name, p]) => [name, p.value]));
  const evalAll = (examples: readonly E[]) =>
    evaluate(program, examples, { concurrency: settings.concurrency });

  let last: Checkpoint | undefined;
  const save = async (c: Checkpoint): Promise<void> => {
    last = c;
    if (opts.checkpointPath) await writeCheckpoint(opts.checkpointPath, c);
    await opts.afterCheckpoint?.(c.step);
  };
  const snapshot = (base: RunState, rng: Rng): Checkpoint => ({
    format: CHECKPOINT_FORMAT,
    ...base,
    records: [...base.records],
    spent: budget.spent().byRole,
    // A copy: the trainer restores these on a stop, whatever a later step does to the values in place.
    values: structuredClone(currentValues()),
    method: { name: factory.name, config, state: phases.map((m) => m.state()) },
    rng: rng.state(),
    ...(opts.manifest ? { manifest: opts.manifest } : {}),
  });
  /**
   * Runs `work`; a spent budget or an aborted signal becomes a RunStopped (a replay miss stays an
   * error: the replay cannot go on, and resuming in replay mode would meet it again).
   */
  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      const kind = stopKind(error);
      if (kind === 'budget') throw new RunStopped(`budget reached: ${(error as Error).message}`, 'budget');
      if (kind === 'signal' || opts.signal?.aborted)
        throw new RunStopped(`interrupted: ${String(opts.signal?.reason ?? error)}`, 'signal');
      throw error;
    }
  };

  let state: RunState;
  let rng: Rng;
  /** The trainable values the initial evaluation ran with (JSON), when it ran or was restored at step 0. */
  let initialValues: string | undefined;
  if (ckpt) {
    restoreValues(ckpt, trainable, program.name, opts.checkpointPath);
    if (ckpt.method.state.length !== phases.length)
      throw new TrainerInputError(
        `${opts.checkpointPath}: checkpoint has ${ckpt.method.state.length} method phases, ${factory.name} has ${phases.length}`,
      );
    phases.forEach((m, i) => {
      m.restore(ckpt.method.state[i]);
    });
    rng = new Rng(ckpt.rng);
    const { format: _f, values: _v, method: _m, rng: _r, stopped: _s, manifest: _manifest, ...rest } = ckpt;
    state = { ...rest, records: [...ckpt.records] };
    last = { ...ckpt, stopped: undefined };
    // A checkpoint written right after the initial evaluation holds the values it ran with.
    if (ckpt.step === 0 && ckpt.initial) initialValues = JSON.stringify(currentValues());
    log(
      state.initial
        ? `resumed ${program.name} after step ${state.step} (best val ${state.bestVal.toFixed(4)})`
        : `resumed ${program.name} before its initial evaluation`,
    );
  } else {
    rng = new Rng(settings.seed);
    state = {
      program: program.name,
      dataKey: key,
      trainer: settings,
      step: -1,
      initialTestScores: {},
      bestVal: 0,
      records: [],
    };
  }
  // The values a stop before the first checkpoint goes back to.
  const committedAtStart = structuredClone(currentValues());
  const result = (partial: boolean, stopReason?: string): TrainResult => ({
    method: factory.name,
    program: program.name,
    partial,
    stopReason,
    // Before the initial evaluation finished there is no score at all: none is invented.
    initial: state.initial,
    final: { val: state.initial ? state.bestVal : undefined, test: state.finalTest },
    testScores: { initial: state.initialTestScores, final: state.finalTestScores },
    values: currentValues(),
    steps: state.records,
    usage: checkpointUsage(state),
    spent: journal.spent(),
    wallMs: performance.now() - started,
    methodConfig: config,
    trainer: settings,
  });
  const evalRecord = (step: number, phase: 'init' | 'final', u0: UsageByRole, t0: number): StepRecord => ({
    step,
    phase,
    batch: [],
    subset: [],
    tried: 0,
    attempts: [],
    accepted: false,
    valScore: state.bestVal,
    testScore: phase === 'init' ? state.initial?.test : state.finalTest,
    usage: diffUsage(usageNow(), u0),
    wallMs: performance.now() - t0,
  });

  /** Runs a checkpoint write whose failure must not cost the result: the failure becomes a warning. */
  const keepGoing = async (write: () => Promise<void>, consequence: string): Promise<void> => {
    try {
      await write();
    } catch (error) {
      if (!(error instanceof FileWriteError)) throw error;
      (opts.warn ?? log)(`warning: ${error.message}; ${consequence}`);
    }
  };

  const shared = (r: Rng): RunShared<E> => ({
    program,
    teacher: opts.teacher,
    data,
    models: opts.models ?? {},
    settings,
    rng: r,
    byId: byId as ReadonlyMap<string, E>,
    cacheSalt,
    log,
    onBackward: opts.onBackward,
  });

  try {
    if (state.step < 0) {
      opts.onStep?.(0);
      const t0 = performance.now();
      const u0 = usageNow();
      const [val, test] = await guarded(async () => {
        const v = await evalAll(data.val);
        return [v, await evalAll(data.test)] as const;
      });
      state.initial = { val: val.score, test: test.score };
      state.initialTestScores = test.perItem;
      initialValues = JSON.stringify(currentValues());
      state.bestVal = val.score;
      const run0 = runContext(shared(rng), 0, state.bestVal);
      for (const m of phases) await guarded(async () => m.init?.(run0, { val }));
      state.records.push(evalRecord(0, 'init', u0, t0));
      state.step = 0;
      log(`step 0: val ${val.score.toFixed(4)} test ${test.score.toFixed(4)}`);
      await save(snapshot(state, rng));
    }

    const trainList = [...data.train];
    for (let step = state.step + 1; step <= totalSteps(); step++) {
      if (opts.signal?.aborted)
        throw new RunStopped(`interrupted: ${String(opts.signal.reason ?? 'signal')}`, 'signal');
      const { method, end } = phaseAt(phases, step);
      if (method.done?.()) {
        // Finished early (e.g. its budget is spent): skip the phase's remaining steps.
        step = end;
        state.step = step;
        continue;
      }
      opts.onStep?.(step);
      const t0 = performance.now();
      const u0 = usageNow();
      const batch = batchIndices(trainList.length, method.batchSize, step - 1, settings.seed).map(
        (i) => trainList[i] as E,
      );
      const outcome = await guarded(() => method.step(runContext(shared(rng), step, state.bestVal), batch));
      // Graph-free between steps: no gradient or demo trace of this step reaches the next one.
      zeroGrad(params, { traces: true });
      state.bestVal = outcome.bestVal;
      const { bestVal: _b, subset, ...rest } = outcome;
      const record: StepRecord = {
        step,
        method: method.name,
        ...rest,
        subset: subset ?? [],
        valScore: state.bestVal,
        usage: diffUsage(usageNow(), u0),
        wallMs: performance.now() - t0,
      };
      state.records.push(record);
      state.step = step;
      const calls = Object.values(record.usage).reduce((n, u) => n + u.calls, 0);
      log(
        `step ${step}/${totalSteps()} ${record.phase}: ${stepLine(record)}; best val ${state.bestVal.toFixed(4)}; ${calls} calls`,
      );
      await save(snapshot(state, rng));
      opts.onStepDone?.(record, { totalSteps: totalSteps() });
    }

    // A run without steps changed nothing: its final test is its initial one (each split evaluated once).
    if (state.finalTest === undefined && totalSteps() === 0 && state.initial) {
      state.finalTest = state.initial.test;
      state.finalTestScores = state.initialTestScores;
      await save(snapshot(state, rng));
    }
    // Final test with the best values (methods leave them on the program).
    if (state.finalTest === undefined) {
      opts.onStep?.(totalSteps() + 1);
      const t0 = performance.now();
      const u0 = usageNow();
      // No step ran (`--steps 0`) and the values are those of the initial test: the same prompts on the
      // same split score the same, so that evaluation is reused instead of paid for twice.
      const unchanged =
        state.initial !== undefined &&
        state.records.every((r) => r.phase === 'init') &&
        initialValues === JSON.stringify(currentValues());
      const test = unchanged
        ? { score: state.initial?.test ?? 0, perItem: state.initialTestScores }
        : await guarded(() => evalAll(data.test));
      state.finalTest = test.score;
      state.finalTestScores = test.perItem;
      state.records.push(evalRecord(totalSteps() + 1, 'final', u0, t0));
      // The run is finished: a checkpoint that cannot be written (full disk) does not lose its result.
      await keepGoing(() => save(snapshot(state, rng)), 'its result is returned all the same');
    }
    log(`final: val ${state.bestVal.toFixed(4)} test ${state.finalTest.toFixed(4)}`);
    return result(false);
  } catch (error) {
    if (!(error instanceof RunStopped)) throw error;
    // The trainer owns the undo: whatever the stopped step proposed or applied, the program goes back to
    // the last committed (checkpointed) values; methods keep only what they need to continue.
    restoreCommitted(trainable.values(), last?.values ?? committedAtStart);
    log(`stopped: ${error.message}`);
    // Stopped before step 0 finished: a checkpoint at step -1, so `--resume` still works.
    const kept = last ?? snapshot(state, rng);
    const path = opts.checkpointPath;
    if (path)
      await keepGoing(
        () => writeCheckpoint(path, { ...kept, stopped: error.message }),
        'the last checkpoint on disk is kept',
      );
    return { ...result(true, error.message), stopKind: error.kind };
  }
}

/** The phase that runs global step `step` (1-based; phases continue the numbering) and its last step. */
function phaseAt<E>(phases: readonly Method<E>[], step: number): { method: Method<E>; end: number } {
  let end = 0;
  for (const method of phases) {
    end += method.steps();
    if (step <= end) return { method, end };
  }
  throw new Error(`trainer: no method phase for step ${step}`);
}

/** Reads the checkpoint to resume and checks it belongs to this program, data, method and settings. */
async function resumable<E>(opts: TrainOptions<E>, factory: MethodFactory, key: string): Promise<Checkpoint> {
  const path = opts.checkpointPath;
  if (!path) throw new TrainerInputError('trainer: resume needs checkpointPath');
  if (!existsSync(path)) throw new TrainerInputError(`trainer: cannot resume, no checkpoint at ${path}`);
  const ckpt = await readCheckpoint(path);
  if (ckpt.program !== opts.program.name)
    throw new TrainerInputError(
      `${path}: checkpoint is for program "${ckpt.program}", not "${opts.program.name}"`,
    );
  if (ckpt.dataKey !== key)
    throw new TrainerInputError(`${path}: checkpoint was written for other train/val/test samples`);
  if (ckpt.method.name !== factory.name)
    throw new TrainerInputError(
      `${path}: checkpoint is for method "${ckpt.method.name}", not "${factory.name}"`,
    );
  const differs = (given: unknown, saved: unknown, what: string): void => {
    const field = diffConfig(given, saved);
    if (field)
      throw new TrainerInputError(
        `${path}: ${what} field "${field}" differs from the checkpoint's; resume with the same ${what}`,
      );
  };
  if (opts.methodConfig !== undefined)
    differs(factory.resolveConfig(opts.methodConfig), factory.resolveConfig(ckpt.method.config), 'config');
  if (opts.trainer !== undefined)
    differs(resolveTrainerSettings(opts.trainer), ckpt.trainer, 'trainer setting');
  if (opts.manifest && ckpt.manifest) {
    const differences = diffManifests(ckpt.manifest, opts.manifest);
    if (differences.length > 0)
      throw new TrainerInputError(
        `${path}: this run differs from the checkpoint's manifest: ${differences.join('; ')}; resume with the same models, data and settings, or start a new run with another --checkpoint`,
      );
  }
  return ckpt;
}

function restoreValues(
  ckpt: Checkpoint,
  trainable: ReadonlyMap<string, Parameter>,
  programName: string,
  path: string | undefined,
): void {
  for (const [name, value] of Object.entries(ckpt.values)) {
    const p = trainable.get(name);
    if (!p)
      throw new TrainerInputError(
        `${path}: checkpoint has a value for "${name}", which is not a trainable parameter of ${programName}`,
      );
    const wrong = wrongValue(p, value);
    if (wrong) throw new TrainerInputError(`checkpoint ${path}: field "values.${name}": ${wrong}`);
    p.value = value;
  }
}
