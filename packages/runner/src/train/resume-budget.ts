import type { Budget } from '@llm-autodiff/llm';
import { type Checkpoint, checkpointUsage } from '@llm-autodiff/trainer';

/**
 * Calls and tokens per role of the steps a checkpoint has finished. Calls of an interrupted step are not
 * in it; a resume replays them from the response cache, where they are free.
 */
export function spentInCheckpoint(
  checkpoint: Pick<Checkpoint, 'records'>,
): Record<string, { calls: number; tokens: number }> {
  return Object.fromEntries(
    Object.entries(checkpointUsage(checkpoint)).map(([role, u]) => [
      role,
      { calls: u.calls, tokens: u.promptTokens + u.completionTokens },
    ]),
  );
}

/** Charges a resumed run's budget with what its checkpoint already spent. */
export function creditCheckpoint(budget: Budget, checkpoint: Pick<Checkpoint, 'records'>): void {
  for (const [role, spend] of Object.entries(spentInCheckpoint(checkpoint))) budget.credit(role, spend);
}
