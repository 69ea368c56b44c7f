/**
 * Typed errors of the engine. Each names the node or component it is about, so a failing pipeline
 * says where it failed (`generator 'answer' (call 2 of sample q17): ...`) instead of a bare message.
 */
export class AutodiffError extends Error {
  /** Name (and id) of the node or component the error is about, when there is one. */
  readonly where: string | undefined;

  constructor(message: string, where?: string) {
    super(where ? `${where}: ${message}` : message);
    this.name = new.target.name;
    this.where = where;
  }
}

/** A sample id is missing (component called outside `runSample`, input/output without one) or mixed up. */
export class SampleIdError extends AutodiffError {}

/** A component (or a user function inside it) produced a value of the wrong type. */
export class ComponentOutputError extends AutodiffError {}

/** The recorded graph is not a DAG. */
export class GraphCycleError extends AutodiffError {}

/** `backward()` was called with missing or invalid options (e.g. no engine). */
export class BackwardConfigError extends AutodiffError {}

/** propose/revert/commit used out of order on a parameter. */
export class ParameterStateError extends AutodiffError {}

/**
 * `backward()` found no trainable parameter reachable from its root, so it could compute no gradient:
 * typically the losses were computed in eval mode (eval-mode components record no graph), or every
 * prompt was created with `trainable: false`.
 */
export class NothingTrainableError extends AutodiffError {}

/** A user-supplied function (an `fn` body, a retriever's search, a generator's `user`) threw; `cause` is the original error. */
export class UserFunctionError extends AutodiffError {
  constructor(message: string, where: string, options: { cause: unknown }) {
    super(message, where);
    this.cause = options.cause;
  }
}
