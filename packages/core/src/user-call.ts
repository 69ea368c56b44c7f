import { AutodiffError, UserFunctionError } from './errors';

/**
 * Runs a user-supplied function on behalf of a component. A plain error it throws is wrapped in a
 * `UserFunctionError` naming the component and the sample (`where`), with the original as `cause`.
 * The engine's own errors pass unchanged, and so do errors that carry a class callers branch on (a
 * model layer's budget or call error thrown through a user function keeps its class, so a trainer
 * still stops cleanly on a budget).
 */
export async function callUser<R>(where: string, f: () => R | Promise<R>): Promise<R> {
  try {
    return await f();
  } catch (error) {
    throw userError(where, error);
  }
}

/** What to throw for an error a user function threw (see `callUser`). */
export function userError(where: string, error: unknown): unknown {
  if (error instanceof AutodiffError || !isPlainError(error)) return error;
  return new UserFunctionError(`threw: ${error instanceof Error ? error.message : String(error)}`, where, {
    cause: error,
  });
}

/** `Error` itself (or a built-in like TypeError/RangeError) or a thrown non-error: nothing to branch on. */
function isPlainError(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  return [Error, TypeError, RangeError, SyntaxError, ReferenceError].some((c) => error.constructor === c);
}
