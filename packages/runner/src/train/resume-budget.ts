import type { Budget } from '@llm-autodiff/llm';
import type { UsageByRole } from '@llm-autodiff/trainer';

interface CheckpointUsage {
  records?: Array<{ usage?: UsageByRole }>;
}

/**
 * Calls and tokens per role of the steps a checkpoint has finished. Calls of an interrupted step are not
 * in it; a resume replays them from the response cache, where they are free.
 */
export function spentInCheckpoint(checkpoint: unknown): Record<string, { calls: number; tokens: number }> {
  const spent: Record<string, { calls: number; tokens: number }> = {};
  for (const record of (checkpoint as CheckpointUsage).records ?? []) {
    for (const [role, u] of Object.entries(record.usage ?? {})) {
      const s = spent[role] ?? { calls: 0, tokens: 0 };
      s.calls += u.calls;
      s.tokens += u.promptTokens + u.completionTokens;
      spent[role] = s;
    }
  }
  return spent;
}

/** Charges a resumed run's budget with what its checkpoint already spent. */
export function creditCheckpoint(budget: Budget, checkpoint: unknown): void {
  for (const [role, spend] of Object.entries(spentInCheckpoint(checkpoint))) budget.credit(role, spend);
}
