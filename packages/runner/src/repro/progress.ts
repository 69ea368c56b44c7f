/**
 * Live progress of a sweep: runs done and running, each running run's step, last gate results and best
 * validation, calls and tokens, elapsed and remaining time. On a terminal the board is redrawn in place
 * (log-update); otherwise each event is one plain log line, so CI logs stay readable.
 *
 * Time left comes from the calls still to make: each run's estimated requested calls (repro/estimate.ts,
 * measured per pipeline and method). The runs finished so far give the time a run takes as a fixed part
 * (building its pipeline, reading its data) plus a time per call, fitted by least squares per pipeline;
 * the work left is divided by the parallelism the sweep has had. Counting steps instead weighed a HotPotQA GEPA step
 * like an object-count start run (1.4-2x too much time until half-way); calls alone at the sweep's pace
 * still read 1.4-2.5x high in the first quarter, when short start runs are mostly fixed cost.
 */
import logUpdate from 'log-update';
import type { Io } from '../io';
import { methods } from '../methods';
import type { RunSpec } from './plan';
import type { RunProgress } from './run-one';

interface RunState {
  spec: RunSpec;
  status: 'waiting' | 'running' | 'done' | 'failed';
  progress: RunProgress;
  /** Billed calls and tokens (cache hits not counted), as the board shows them. */
  calls: number;
  tokens: number;
  /** Calls requested, cache hits included: the work done, which the estimate counts. */
  requested: number;
  startedMs?: number;
  finishedMs?: number;
  /** Found done on disk: no work of this sweep, so left out of the remaining-time estimate. */
  skipped?: boolean;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Work units of a run when no run has a call estimate: its steps plus the initial and final evaluations. */
function units(spec: RunSpec): number {
  const method = methods.get(spec.methodId.base);
  return method.costModel.steps(method.resolveConfig(spec.methodConfig)) + 2;
}

/**
 * Expected requested calls per run: the estimate where there is one; a run without one (a custom pipeline,
 * an unmeasured method) is given the measured runs' mean calls per work unit. Undefined when no run has
 * an estimate (time left then falls back to work units).
 */
function expectedWork(
  runs: readonly RunSpec[],
  estimated: ReadonlyMap<string, number> | undefined,
): Map<string, number> | undefined {
  const measured = runs.filter((r) => estimated?.has(r.runId));
  if (!estimated || measured.length === 0) return undefined;
  const calls = measured.reduce((a, r) => a + (estimated.get(r.runId) ?? 0), 0);
  const perUnit = calls / measured.reduce((a, r) => a + units(r), 0);
  return new Map(runs.map((r) => [r.runId, estimated.get(r.runId) ?? units(r) * perUnit]));
}

/**
 * A run's time as `fixed + perCall × calls`, least squares over finished runs' (calls, ms). Both parts
 * are kept non-negative: with one kind of run (or a negative intercept) the time is taken proportional.
 */
export interface RunTimeFit {
  /** Milliseconds of a run that do not depend on its calls. */
  fixed: number;
  perCall: number;
}

export function runTimeFit(points: ReadonlyArray<readonly [number, number]>): RunTimeFit {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const perCall = sxx > 0 ? sxy / sxx : 0;
  const fixed = my - perCall * mx;
  if (perCall > 0 && fixed >= 0) return { fixed, perCall };
  const sx2 = points.reduce((a, [x]) => a + x * x, 0);
  return { fixed: 0, perCall: sx2 > 0 ? points.reduce((a, [x, y]) => a + x * y, 0) / sx2 : 0 };
}

/**
 * The run-time fit of each pipeline (a HotPotQA call, with its retrieval and long contexts, takes several
 * times an object-count call): its own once two of its finished runs differ in calls, else all runs'.
 */
export function runTimeFits(
  finished: ReadonlyArray<{ pipeline: string; calls: number; ms: number }>,
): (pipeline: string) => RunTimeFit {
  const all = runTimeFit(finished.map((r) => [r.calls, r.ms] as const));
  const own = new Map<string, RunTimeFit>();
  for (const pipeline of new Set(finished.map((r) => r.pipeline))) {
    const points = finished.filter((r) => r.pipeline === pipeline).map((r) => [r.calls, r.ms] as const);
    if (new Set(points.map(([calls]) => calls)).size >= 2) own.set(pipeline, runTimeFit(points));
  }
  return (pipeline) => own.get(pipeline) ?? all;
}

export class SweepProgress {
  private readonly runs = new Map<string, RunState>();
  private readonly started: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly tty: boolean;
  private readonly expected: Map<string, number> | undefined;
  /** When the first run started: the pace of calls leaves out what came before (loading a corpus). */
  private workStarted: number | undefined;

  /** `expectedCalls`: estimated requested calls per run id (what time left is computed from). */
  constructor(
    runs: readonly RunSpec[],
    private readonly io: Io,
    private readonly now: () => number = () => performance.now(),
    expectedCalls?: ReadonlyMap<string, number>,
  ) {
    for (const spec of runs)
      this.runs.set(spec.runId, {
        spec,
        status: 'waiting',
        progress: { step: 0, totalSteps: 0 },
        calls: 0,
        tokens: 0,
        requested: 0,
      });
    this.expected = expectedWork(runs, expectedCalls);
    this.started = now();
    // A terminal of zero width (some pseudo-terminals) cannot show a board: plain lines then.
    this.tty = io.isTTY === true && (process.stdout.columns ?? 0) > 0;
    if (this.tty) this.timer = setInterval(() => logUpdate(this.board().join('\n')), 250);
  }

  private state(spec: RunSpec): RunState {
    const s = this.runs.get(spec.runId);
    if (!s) throw new Error(`progress: unknown run ${spec.runId}`);
    return s;
  }

  private line(text: string): void {
    if (this.tty) logUpdate.clear();
    this.io.out(text);
  }

  /** A run found finished on disk (run.json status done): not run again. */
  skipped(spec: RunSpec): void {
    const s = this.state(spec);
    s.status = 'done';
    s.skipped = true;
    this.line(`[${this.counts()}] ${spec.runId}: already done, skipped`);
  }

  runStarted(spec: RunSpec, resumed: boolean): void {
    const s = this.state(spec);
    s.status = 'running';
    s.startedMs = this.now();
    this.workStarted ??= s.startedMs;
    if (!this.tty)
      this.line(`[${this.counts()}] ${spec.runId}: ${resumed ? 'resumed from its checkpoint' : 'started'}`);
  }

  runProgress(spec: RunSpec, p: RunProgress): void {
    const s = this.state(spec);
    s.progress = p;
    if (!this.tty && p.totalSteps > 0)
      this.line(
        `[${this.counts()}] ${spec.runId}: step ${p.step}/${p.totalSteps}, best val ${p.bestVal?.toFixed(4) ?? '-'}, ${p.line ?? ''}; ${s.calls} calls, ${s.tokens} tokens`,
      );
  }

  /** A call of a run; `cached`: served by the response cache (requested work, but not billed). */
  runCall(spec: RunSpec, calls: number, tokens: number, cached = false): void {
    const s = this.state(spec);
    s.requested += calls;
    if (cached) return;
    s.calls += calls;
    s.tokens += tokens;
  }

  /** Sweep-level work outside every run (loading a corpus, building the outputs): one line. */
  note(text: string): void {
    this.line(`[${this.counts()}] ${text}`);
  }

  runFinished(spec: RunSpec, summary: string): void {
    const s = this.state(spec);
    s.status = 'done';
    s.finishedMs = this.now();
    this.line(`[${this.counts()}] ${spec.runId}: ${summary}`);
  }

  runFailed(spec: RunSpec, message: string): void {
    const s = this.state(spec);
    s.status = 'failed';
    s.finishedMs = this.now();
    this.line(`[${this.counts()}] ${spec.runId}: FAILED: ${message}`);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.tty) logUpdate.clear();
  }

  private counts(): string {
    const all = [...this.runs.values()];
    const done = all.filter((r) => r.status === 'done').length;
    const running = all.filter((r) => r.status === 'running').length;
    return `${done}/${all.length} done, ${running} running, ${duration(this.now() - this.started)} elapsed${this.remaining()}`;
  }

  /**
   * Remaining time: each waiting run's fixed time plus its estimated calls at the time per call, each
   * running run's calls still to make, all divided by the parallelism so far. Nothing before the runs
   * finished give a pace.
   */
  private remaining(): string {
    if (!this.expected) return this.remainingByUnits();
    const now = this.now();
    const all = [...this.runs.values()].filter((r) => !r.skipped);
    const ran = all.filter((r) => r.status === 'done' && r.startedMs !== undefined);
    if (ran.length === 0 || this.workStarted === undefined) return '';
    // Runs of one size cannot tell a run's fixed time from its time per call (the first start runs read
    // 2-3x high): no estimate until two sizes have finished or a tenth of the calls are made.
    const made = all.reduce((a, r) => a + r.requested, 0);
    const total = all.reduce((a, r) => a + (this.expected?.get(r.spec.runId) ?? 0), 0);
    if (new Set(ran.map((r) => r.requested)).size < 2 && made < total / 10) return '';
    const timeOf = runTimeFits(
      ran.map((r) => ({
        pipeline: r.spec.pipeline,
        calls: r.requested,
        ms: (r.finishedMs ?? now) - (r.startedMs ?? now),
      })),
    );
    let left = 0;
    let busy = 0;
    for (const r of all) {
      const expected = this.expected.get(r.spec.runId) ?? 0;
      const time = timeOf(r.spec.pipeline);
      if (r.startedMs !== undefined) busy += (r.finishedMs ?? now) - r.startedMs;
      if (r.status === 'waiting') left += time.fixed + time.perCall * expected;
      // A run past its estimate is taken to be nearly done, never to have negative work left.
      else if (r.status === 'running') left += time.perCall * Math.max(0, expected - r.requested);
    }
    const parallel = Math.max(1, busy / Math.max(1, now - this.workStarted));
    return left > 0 ? `, ~${duration(left / parallel)} left` : '';
  }

  /** Remaining time from the work units done so far (steps finished), assuming the same pace. */
  private remainingByUnits(): string {
    let total = 0;
    let done = 0;
    for (const r of this.runs.values()) {
      if (r.skipped) continue;
      const u = units(r.spec);
      total += u;
      if (r.status === 'done' || r.status === 'failed') done += u;
      else if (r.status === 'running')
        done += Math.min(u - 1, r.progress.step + (r.progress.totalSteps > 0 ? 1 : 0));
    }
    if (done === 0 || done >= total) return '';
    return `, ~${duration(((this.now() - this.started) * (total - done)) / done)} left`;
  }

  /** The terminal board: a summary line and one line per running run. */
  board(): string[] {
    const lines = [`repro: ${this.counts()}`];
    for (const r of this.runs.values()) {
      if (r.status !== 'running') continue;
      const p = r.progress;
      const step = p.totalSteps > 0 ? `step ${p.step}/${p.totalSteps}` : 'evaluating';
      const best = p.bestVal !== undefined ? `best val ${p.bestVal.toFixed(4)}` : '';
      const since = r.startedMs !== undefined ? duration(this.now() - r.startedMs) : '';
      lines.push(
        `  ${r.spec.runId.padEnd(40)} ${step.padEnd(12)} ${best.padEnd(16)} ${(p.line ?? '').padEnd(48)} ${String(r.calls).padStart(6)} calls ${String(r.tokens).padStart(9)} tok ${since}`,
      );
    }
    return lines;
  }
}
