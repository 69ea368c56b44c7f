/**
 * Per-parameter memory of the optimizer: the top-k values with their validation scores (across steps)
 * and the proposals rejected in the current step (cleared by zeroGrad). Plain data so a checkpoint can
 * store and restore it.
 */
import type { FailedProposalView, PastValue } from './prompts/gdpo';

export interface OptimizerMemoryState {
  history: Record<string, PastValue[]>;
  failed: Record<string, FailedProposalView[]>;
  stepsSinceImprovement: number;
}

export class OptimizerMemory {
  private history = new Map<string, PastValue[]>();
  private failed = new Map<string, FailedProposalView[]>();
  stepsSinceImprovement = 0;

  constructor(
    readonly historySize: number,
    readonly failedSize: number,
  ) {
    if (!Number.isInteger(historySize) || historySize < 0)
      throw new Error(`historySize must be an integer >= 0, got ${historySize}`);
    if (!Number.isInteger(failedSize) || failedSize < 0)
      throw new Error(`failedSize must be an integer >= 0, got ${failedSize}`);
  }

  /** Record a validated value. The same value keeps one entry (the latest score); top-k by score, ties keep the older. */
  addScore(paramName: string, value: string, score: number): void {
    if (this.historySize === 0) return;
    const list = (this.history.get(paramName) ?? []).filter((h) => h.value !== value);
    list.push({ value, score });
    // Stable sort: among equal scores the earlier entry stays first.
    list.sort((a, b) => b.score - a.score);
    this.history.set(paramName, list.slice(0, this.historySize));
  }

  pastValues(paramName: string): PastValue[] {
    return [...(this.history.get(paramName) ?? [])];
  }

  addFailed(paramName: string, proposal: FailedProposalView): void {
    if (this.failedSize === 0) return;
    const list = [...(this.failed.get(paramName) ?? []), proposal];
    this.failed.set(paramName, list.slice(-this.failedSize));
  }

  failedProposals(paramName: string): FailedProposalView[] {
    return [...(this.failed.get(paramName) ?? [])];
  }

  clearFailed(): void {
    this.failed.clear();
  }

  toJSON(): OptimizerMemoryState {
    return {
      history: Object.fromEntries(this.history),
      failed: Object.fromEntries(this.failed),
      stepsSinceImprovement: this.stepsSinceImprovement,
    };
  }

  restore(state: OptimizerMemoryState): void {
    this.history = new Map(Object.entries(state.history).map(([k, v]) => [k, v.map((e) => ({ ...e }))]));
    this.failed = new Map(Object.entries(state.failed).map(([k, v]) => [k, v.map((e) => ({ ...e }))]));
    this.stepsSinceImprovement = state.stepsSinceImprovement;
  }
}
