/**
 * DSPy's BootstrapFewShot, on core's demos parameters (one candidate demo set per call):
 *
 * 1. Walk the training examples in the given order; run the teacher (the teacher model's pipeline, or the
 *    student itself when there is none) in train mode, with every demos slot emptied (the uncompiled
 *    program), so every call of a demos-using generator leaves a trace.
 * 2. On success (loss score >= threshold) every demos slot takes one trace of that example as a demo; a
 *    slot called several times takes the last call or, with probability 1/2, one of the earlier calls.
 *    Stop after `maxBootstrapped` successes.
 * 3. Labeled fill-up up to `maxLabeled` demos per slot, sampled from the examples not bootstrapped: the
 *    slot's call input with the gold answer as output. The method does not know the task, so a labeled
 *    demo needs the call's rendered input (a trace of the example, run by the student when the teacher
 *    did not reach it) and exists only for a slot of the call that produced the final answer (the only
 *    call with a gold label).
 *
 * The teacher runs in windows of `concurrency` examples in training order, so the successes kept are
 * the first ones in order whatever the completion order.
 */
import { type Demo, type DemoTrace, defaultDisplay, type Parameter, type Program } from '@llm-autodiff/core';
import { type Rng, type RunContext, TrainerInputError } from '@llm-autodiff/trainer';

export interface BootstrapSettings {
  maxBootstrapped: number;
  maxLabeled: number;
  /** A teacher run counts as a success when its loss score is at least this. */
  successThreshold: number;
}

interface ExampleRun {
  score: number;
  /** Traces per demos slot name, in call order. */
  traces: Map<string, DemoTrace[]>;
  /** Component that produced the final prediction, and its gold label. */
  finalComponent?: string;
  gold?: string;
}

export interface DemoBootstrapper<E> {
  /** Demo sets per slot name for one candidate. */
  build(
    run: RunContext<E>,
    order: readonly E[],
    settings: BootstrapSettings,
    rng: Rng,
  ): Promise<Record<string, Demo[]>>;
  /** Labeled demos only (DSPy's LabeledFewShot with k = maxLabeled). */
  labeledOnly(run: RunContext<E>, k: number, rng: Rng): Promise<Record<string, Demo[]>>;
}

/** Run `program` on one example in train mode and read the traces of the demos slots. */
async function traceRun<E>(
  program: Program<E>,
  slots: readonly Parameter[],
  example: E,
): Promise<ExampleRun> {
  const id = program.sampleId(example);
  const { loss, score } = await program.forwardLoss(example);
  const pred = loss.predecessors[0];
  const traces = new Map<string, DemoTrace[]>();
  for (const slot of slots) {
    const mine = slot.demoTraces.filter((t) => t.sampleId === id).sort((a, b) => a.callIndex - b.callIndex);
    traces.set(slot.name, mine);
  }
  return {
    score,
    traces,
    finalComponent: pred?.component?.id,
    gold: pred?.groundTruth === undefined ? undefined : defaultDisplay(pred.groundTruth),
  };
}

export function createDemoBootstrapper<E>(studentSlots: readonly Parameter[]): DemoBootstrapper<E> {
  /** Examples already traced, per program (teacher / student), by sample id: reruns are free. */
  const teacherRuns = new Map<string, ExampleRun>();
  const studentRuns = new Map<string, ExampleRun>();

  const slotsOf = (program: Program<E>): Parameter[] => {
    const byName = new Map(program.parameters().map((p) => [p.name, p]));
    return studentSlots.map((s) => {
      const p = byName.get(s.name);
      if (p?.kind !== 'demos')
        throw new TrainerInputError(`bootstrap: the teacher program has no demos slot "${s.name}"`);
      return p;
    });
  };

  /** Run `program` with every demos slot empty and prompts as the student's; traces cleared after. */
  const runUncompiled = async (
    run: RunContext<E>,
    program: Program<E>,
    examples: readonly E[],
    memo: Map<string, ExampleRun>,
  ): Promise<ExampleRun[]> => {
    const todo = examples.filter((e) => !memo.has(program.sampleId(e)));
    if (todo.length > 0) {
      const slots = slotsOf(program);
      const student = new Map(run.program.parameters().map((p) => [p.name, p]));
      const saved = slots.map((s) => s.value);
      const savedPrompts = program.parameters().map((p) => p.value);
      for (const p of program.parameters()) {
        const own = student.get(p.name);
        if (own && own !== p && p.kind === 'prompt') p.value = own.value;
      }
      for (const s of slots) {
        s.value = [];
        s.demoTraces.length = 0;
      }
      try {
        const results = await Promise.all(todo.map((e) => traceRun(program, slots, e)));
        todo.forEach((e, i) => {
          memo.set(program.sampleId(e), results[i] as ExampleRun);
        });
      } finally {
        slots.forEach((s, i) => {
          s.value = saved[i];
          s.demoTraces.length = 0;
        });
        program.parameters().forEach((p, i) => {
          p.value = savedPrompts[i];
        });
        for (const p of program.parameters()) p.zeroGrad();
      }
    }
    return examples.map((e) => memo.get(program.sampleId(e)) as ExampleRun);
  };

  const labeledDemo = (slot: string, r: ExampleRun, id: string): Demo | undefined => {
    const traces = r.traces.get(slot) ?? [];
    const last = traces.filter((t) => t.componentId === r.finalComponent).at(-1);
    if (!last || r.gold === undefined) return undefined;
    return { input: last.input, output: r.gold, sampleId: id };
  };

  const labeled = async (
    run: RunContext<E>,
    pool: readonly E[],
    perSlot: Record<string, Demo[]>,
    k: number,
    rng: Rng,
  ): Promise<void> => {
    const need = Math.max(...studentSlots.map((s) => k - (perSlot[s.name]?.length ?? 0)), 0);
    if (need === 0 || pool.length === 0) return;
    const picked = rng.sample(pool, need);
    // The teacher may already have traced a picked example; otherwise the student renders it.
    const fromTeacher = picked.filter((e) => teacherRuns.has(run.program.sampleId(e)));
    const rest = picked.filter((e) => !teacherRuns.has(run.program.sampleId(e)));
    await runUncompiled(run, run.program, rest, studentRuns);
    for (const e of picked) {
      const id = run.program.sampleId(e);
      const r = (fromTeacher.includes(e) ? teacherRuns : studentRuns).get(id) as ExampleRun;
      for (const s of studentSlots) {
        const list = perSlot[s.name] ?? [];
        perSlot[s.name] = list;
        if (list.length >= k) continue;
        const d = labeledDemo(s.name, r, id);
        if (d) list.push(d);
      }
    }
  };

  return {
    async build(run, order, settings, rng) {
      const teacher = run.teacher ?? run.program;
      const perSlot: Record<string, Demo[]> = Object.fromEntries(studentSlots.map((s) => [s.name, []]));
      const bootstrapped = new Set<string>();
      const window = Math.max(1, run.concurrency);
      for (let at = 0; at < order.length && bootstrapped.size < settings.maxBootstrapped; at += window) {
        const chunk = order.slice(at, at + window);
        const runs = await runUncompiled(run, teacher, chunk, teacherRuns);
        chunk.forEach((e, i) => {
          const r = runs[i] as ExampleRun;
          if (bootstrapped.size >= settings.maxBootstrapped || r.score < settings.successThreshold) return;
          const id = run.program.sampleId(e);
          bootstrapped.add(id);
          for (const s of studentSlots) {
            const traces = (r.traces.get(s.name) ?? []).filter((t) => !t.parseError);
            if (traces.length === 0) continue;
            const pick =
              traces.length > 1 && rng.next() < 0.5
                ? (traces[rng.int(traces.length - 1)] as DemoTrace)
                : (traces.at(-1) as DemoTrace);
            perSlot[s.name]?.push({ input: pick.input, output: pick.output, sampleId: id });
          }
        });
      }
      const pool = run.data.train.filter((e) => !bootstrapped.has(run.program.sampleId(e)));
      await labeled(run, pool, perSlot, settings.maxLabeled, rng);
      return perSlot;
    },
    async labeledOnly(run, k, rng) {
      const perSlot: Record<string, Demo[]> = Object.fromEntries(studentSlots.map((s) => [s.name, []]));
      await labeled(run, run.data.train, perSlot, k, rng);
      return perSlot;
    },
  };
}
