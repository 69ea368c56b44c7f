/**
 * Equal-budget levels (experiment `budgets: [{ tokens: 20000 }, ...]`): every method of a level stops when
 * its REQUESTED cost reaches the level, cache hits included (the budget is the work, not the bill), so
 * two methods at one level did the same amount of work whatever the response cache held.
 * The meter wraps a run's models and refuses the next call with llm's `BudgetExceededError` once the
 * level is reached; the trainer turns that into its budget stop (checkpoint kept, best values kept).
 */
import { BudgetExceededError, type ChatModel } from '@llm-autodiff/llm';

export type BudgetUnit = 'tokens' | 'calls';

export interface BudgetLevel {
  /** Folder- and table-safe name, e.g. `tokens-20000`. */
  label: string;
  unit: BudgetUnit;
  amount: number;
}

/** An experiment's `budgets` entry (exactly one of tokens, calls) as a level. */
export function budgetLevel(entry: { tokens?: number; calls?: number }): BudgetLevel {
  const unit: BudgetUnit = entry.tokens !== undefined ? 'tokens' : 'calls';
  const amount = (unit === 'tokens' ? entry.tokens : entry.calls) as number;
  return { label: `${unit}-${amount}`, unit, amount };
}

/** "20k tokens", "300 calls": how tables name a level. */
export function levelText(level: { unit: string; amount: number }): string {
  const n = level.amount;
  const short = n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n);
  return `${short} ${level.unit}`;
}

/** Requested calls and tokens of a run so far, against one level. */
export class RequestedMeter {
  calls = 0;
  tokens = 0;
  private inFlight = 0;
  private released = false;

  constructor(readonly level: BudgetLevel) {}

  /** Counts spend from before this process (a resumed run's finished steps). */
  credit(calls: number, tokens: number): void {
    this.calls += calls;
    this.tokens += tokens;
  }

  get reached(): boolean {
    return this.spent() >= this.level.amount;
  }

  /** Stops refusing calls (the best values' test evaluation after a budget stop is measurement, not work). */
  release(): void {
    this.released = true;
  }

  private spent(): number {
    return this.level.unit === 'calls' ? this.calls + this.inFlight : this.tokens;
  }

  /** A model whose every call, from the cache or not, counts against the level. */
  wrap(model: ChatModel): ChatModel {
    return {
      id: model.id,
      complete: async (request, context) => {
        if (this.reached && !this.released)
          throw new BudgetExceededError('requested', this.level.unit, this.level.amount, this.spent());
        this.inFlight++;
        try {
          const response = await model.complete(request, context);
          this.calls++;
          this.tokens += response.usage.promptTokens + response.usage.completionTokens;
          return response;
        } finally {
          this.inFlight--;
        }
      },
    };
  }
}
