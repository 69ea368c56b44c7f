/**
 * GDPO's demo phase (bootstrap few-shot) as a trainer `Method`. Each step runs the student on the batch and the teacher on the
 * batch samples it has not seen, both in train mode so every generator call that uses a demos parameter
 * leaves a trace (input, output, score). The teacher is the same pipeline built on the teacher model (its
 * own parameter objects); before it runs, it is given the student's current prompts and demos by name. A proposal is a set of teacher demonstrations — preferring samples
 * the teacher solves and the student fails — plus raw shots (gold training examples, preferring those the
 * student fails), accepted only if the full validation score strictly improves.
 *
 * Raw shots (as AdalFlow) are gold training examples rendered by the program's `goldDemo`: the method
 * stays task-agnostic, the task renders its own examples. See `DemoSettings`.
 */
import type { Demo, Parameter, Program } from '@llm-autodiff/core';
import { mapLimit } from '@llm-autodiff/llm';
import {
  attemptValidation,
  beats,
  emptyGates,
  gatedOutcome,
  type Method,
  type ProposalAttempt,
  type Rng,
  type RunContext,
  type StepOutcome,
  TrainerInputError,
} from '@llm-autodiff/trainer';
import type { DemoSettings } from './config';

export interface DemoCandidate {
  score: number;
  input: string;
  output: string;
}

export interface DemoState {
  /** Per demos parameter name, per sample id: the teacher's call and its score. */
  teacher: Record<string, Record<string, DemoCandidate>>;
  /** Per demos parameter name, per sample id: the student's latest call and its score. */
  student: Record<string, Record<string, DemoCandidate>>;
}

const EPS = 1e-5;

/** Weighted sampling without replacement (weights > 0), in drawing order. */
export function weightedSample<T>(items: readonly T[], weights: readonly number[], k: number, rng: Rng): T[] {
  const pool = items.map((item, i) => ({ item, w: weights[i] ?? 0 }));
  const out: T[] = [];
  while (out.length < k && pool.length > 0) {
    const total = pool.reduce((s, p) => s + p.w, 0);
    let r = rng.next() * total;
    let idx = pool.length - 1;
    for (let i = 0; i < pool.length; i++) {
      r -= pool[i]!.w;
      if (r < 0) {
        idx = i;
        break;
      }
    }
    out.push(pool[idx]!.item);
    pool.splice(idx, 1);
  }
  return out;
}

export class DemoOptimizer<E> {
  readonly name = 'bootstrap-demos';
  private teacher: DemoState['teacher'] = {};
  private student: DemoState['student'] = {};
  private pending = false;
  private readonly teacherParams: Map<string, Parameter>;
  readonly teacherProgram: Program<E>;

  constructor(
    readonly params: Parameter[],
    readonly settings: DemoSettings,
    teacherProgram: Program<E> | undefined,
  ) {
    if (!teacherProgram)
      throw new TrainerInputError(
        'trainer: a teacher program is required to optimize demos (options.teacher)',
      );
    this.teacherProgram = teacherProgram;
    this.teacherParams = new Map(teacherProgram.parameters().map((p) => [p.name, p]));
    for (const p of params) {
      if (!this.teacherParams.has(p.name)) {
        throw new TrainerInputError(
          `trainer: the teacher program "${teacherProgram.name}" has no parameter named "${p.name}"`,
        );
      }
    }
  }

  /** Give the teacher the student's current values (prompts and demos), matched by name. */
  syncTeacher(student: readonly Parameter[]): void {
    for (const p of student) {
      const t = this.teacherParams.get(p.name);
      if (t && (p.kind === 'prompt' || p.kind === 'demos')) t.value = p.value;
    }
  }

  /** Collect the traces left on the student's (or the teacher's) demos parameters by the last runs. */
  collect(role: 'student' | 'teacher'): void {
    const target = role === 'teacher' ? this.teacher : this.student;
    for (const p of this.params) {
      target[p.name] ??= {};
      const byId = target[p.name] as Record<string, DemoCandidate>;
      const source = role === 'teacher' ? (this.teacherParams.get(p.name) as Parameter) : p;
      for (const t of source.demoTraces) {
        if (t.score === undefined || t.parseError) continue;
        // One candidate per sample: the first call (a later call of a cycle depends on the earlier one).
        if (t.callIndex === 0) byId[t.sampleId] = { score: t.score, input: t.input, output: t.output };
      }
    }
  }

  hasTeacher(paramName: string, sampleId: string): boolean {
    return this.teacher[paramName]?.[sampleId] !== undefined;
  }

  /**
   * Propose new demos for every demos parameter, drawn with `rng`. `gold` is the raw-shot pool of the
   * raw shots: training examples rendered with their gold answers (`Program.goldDemo`).
   */
  draw(rng: Rng, gold: readonly Demo[] = []): void {
    const { weighted, teacherInputs, bootstrapShots, rawShots } = this.settings;
    for (const p of this.params) {
      const teacher = this.teacher[p.name] ?? {};
      const student = this.student[p.name] ?? {};
      const studentScore = (id: string): number | undefined => student[id]?.score;
      // Every teacher trace is a candidate; the weights favour what the teacher solves and the student fails.
      const candidates = Object.entries(teacher);
      const weights = candidates.map(([id, c]) =>
        weighted ? Math.max(0, c.score - (studentScore(id) ?? 0)) + EPS : 1,
      );
      const boot = weightedSample(candidates, weights, bootstrapShots, rng).map(
        ([id, c]): Demo => ({ input: teacherInputs ? c.input : '', output: c.output, sampleId: id }),
      );
      const taken = new Set(boot.map((d) => d.sampleId));
      const pool = gold.filter((d) => !taken.has(d.sampleId));
      const rawWeights = pool.map((d) => {
        const s = d.sampleId === undefined ? undefined : studentScore(d.sampleId);
        return weighted ? (s === undefined ? 0 : 1 - s) + EPS : 1;
      });
      p.propose([...boot, ...weightedSample(pool, rawWeights, rawShots, rng)]);
    }
    this.pending = true;
  }

  revert(): void {
    if (!this.pending) return;
    for (const p of this.params) if (p.proposing) p.revert();
    this.pending = false;
  }

  step(): void {
    for (const p of this.params) if (p.proposing) p.commit();
    this.pending = false;
  }

  zeroGrad(): void {
    for (const p of this.params) {
      for (const q of [p, this.teacherParams.get(p.name) as Parameter]) {
        q.zeroGrad();
        q.demoTraces.length = 0;
      }
    }
  }

  state(): DemoState {
    return structuredClone({ teacher: this.teacher, student: this.student });
  }

  restore(state: DemoState): void {
    const s = structuredClone(state);
    this.teacher = s.teacher;
    this.student = s.student;
  }
}

/** The demo phase: `demos.steps` steps, each one proposal through the full-validation gate. */
export class GdpoDemoMethod<E> implements Method<E, DemoState> {
  readonly name = 'gdpo-demo';
  readonly batchSize: number;

  constructor(
    readonly optimizer: DemoOptimizer<E>,
    private readonly settings: { steps: number; batchSize: number },
  ) {
    this.batchSize = settings.batchSize;
  }

  steps(): number {
    return this.settings.steps;
  }

  async step(run: RunContext<E>, batch: readonly E[]): Promise<StepOutcome> {
    const { optimizer } = this;
    const { program } = run;
    const gates = emptyGates();
    optimizer.zeroGrad();
    const scores = (await run.forwardLoss(batch)).map((r) => r.score);
    optimizer.collect('student');
    optimizer.zeroGrad();
    const unseen = batch.filter((ex) =>
      optimizer.params.some((p) => !optimizer.hasTeacher(p.name, program.sampleId(ex))),
    );
    optimizer.syncTeacher(program.parameters());
    await mapLimit(unseen, run.concurrency, (ex) => optimizer.teacherProgram.forwardLoss(ex));
    optimizer.collect('teacher');
    optimizer.zeroGrad();

    let gold: Demo[] = [];
    if (optimizer.settings.rawShots > 0) {
      const { goldDemo } = program;
      if (!goldDemo)
        throw new TrainerInputError(
          `gdpo: raw demo shots are gold training examples, but the program "${program.name}" cannot render one (Program.goldDemo); set demos.rawShots to 0`,
        );
      gold = run.data.train.map((ex) => ({ ...goldDemo.call(program, ex), sampleId: program.sampleId(ex) }));
    }
    // The run's RNG: its state is checkpointed, so a resume draws the same demos.
    optimizer.draw(run.rng, gold);
    gates.tried += 1;
    const values = Object.fromEntries(optimizer.params.map((p) => [p.name, p.display()]));
    const attempt: ProposalAttempt = { accepted: false, values };
    const v = await run.validate();
    Object.assign(attempt, attemptValidation(v));
    let bestVal = run.bestVal;
    if (v.complete && beats(v.score, bestVal)) {
      optimizer.step();
      bestVal = v.score;
      attempt.accepted = true;
      gates.validationPassed += 1;
    } else {
      optimizer.revert();
      gates.validationFailed += 1;
    }
    return {
      phase: 'demo',
      batch: batch.map((ex) => program.sampleId(ex)),
      subsetScore: scores.reduce((s, x) => s + x, 0) / Math.max(1, batch.length),
      attempts: [attempt],
      accepted: attempt.accepted,
      bestVal,
      // GDPO's own vocabulary: its gate counts are its details, and its one-line summary.
      ...gatedOutcome(gates),
    };
  }

  state(): DemoState {
    return this.optimizer.state();
  }

  restore(state: DemoState): void {
    this.optimizer.restore(state);
  }
}
