/**
 * Live progress of a sweep: runs done and running, each running run's step, last gate results and best
 * validation, calls and tokens, elapsed and remaining time. On a terminal the board is redrawn in place
 * (log-update); otherwise each event is one plain log line, so CI logs stay readable.
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
  calls: number;
  tokens: number;
  startedMs?: number;
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

/** Work units of a run, for the remaining-time estimate: its steps plus the initial and final evaluations. */
function units(spec: RunSpec): number {
  const method = methods.get(spec.methodId.base);
  return method.costModel.steps(method.resolveConfig(spec.methodConfig)) + 2;
}

export class SweepProgress {
  private readonly runs = new Map<string, RunState>();
  private readonly started: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly tty: boolean;

  constructor(
    runs: readonly RunSpec[],
    private readonly io: Io,
    private readonly now: () => number = () => performance.now(),
  ) {
    for (const spec of runs)
      this.runs.set(spec.runId, {
        spec,
        status: 'waiting',
        progress: { step: 0, totalSteps: 0 },
        calls: 0,
        tokens: 0,
      });
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
    if (!this.tty)
      this.line(`[${this.counts()}] ${spec.runId}: ${resumed ? 'resumed from its checkpoint' : 'started'}`);
  }

  runProgress(spec: RunSpec, p: RunProgress): void {
    const s = this.state(spec);
    s.progress = p;
    if (!this.tty && p.totalSteps > 0)
      this.line(
        `[${this.counts()}] ${spec.runId}: step ${p.step}/${p.totalSteps}, best val ${p.bestVal?.toFixed(4) ?? '-'}, ${p.gates ?? ''}; ${s.calls} calls, ${s.tokens} tokens`,
      );
  }

  runCall(spec: RunSpec, calls: number, tokens: number): void {
    const s = this.state(spec);
    s.calls += calls;
    s.tokens += tokens;
  }

  runFinished(spec: RunSpec, summary: string): void {
    this.state(spec).status = 'done';
    this.line(`[${this.counts()}] ${spec.runId}: ${summary}`);
  }

  runFailed(spec: RunSpec, message: string): void {
    this.state(spec).status = 'failed';
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

  /** Remaining time from the work done so far (steps finished), assuming the same pace. */
  private remaining(): string {
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
        `  ${r.spec.runId.padEnd(40)} ${step.padEnd(12)} ${best.padEnd(16)} ${(p.gates ?? '').padEnd(34)} ${String(r.calls).padStart(6)} calls ${String(r.tokens).padStart(9)} tok ${since}`,
      );
    }
    return lines;
  }
}
