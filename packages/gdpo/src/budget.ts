/**
 * The model layer throws a typed `BudgetExceededError` when a run's budget is spent. Detected by name
 * so the trainer does not depend on which package (or copy of it) constructed the error.
 */
export function isBudgetError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'BudgetExceededError';
}
