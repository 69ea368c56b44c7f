/**
 * What kind of failure an error is. Errors of every package carry it as `errorKind`; the CLI maps the
 * kind to its exit code through one table (runner/src/exit-codes.ts, which also reads the kind of a
 * thrown value), so a class never needs to be listed by a command. An error without a kind is a bug of
 * ours ('internal').
 */
export type ErrorKind =
  /** The command line is wrong (a flag, an argument). */
  | 'usage'
  /** A file, config, checkpoint or setting the user gave cannot be used; found before any work is lost. */
  | 'input'
  /** The machine's state is not what the work needs: a dataset folder, an API key, a results folder. */
  | 'environment'
  /** A model call failed after its retries. */
  | 'call-failed'
  /** A replay met a call its cache never recorded. */
  | 'replay-miss'
  /** A budget limit was reached. */
  | 'budget'
  /** The run is stopping on a signal. */
  | 'interrupted'
  /** Writing a file failed (disk full, permission, read-only file system). */
  | 'write'
  /** Anything else: a bug of ours. */
  | 'internal';

/** An error that says what kind of failure it is. */
export interface KindedError extends Error {
  readonly errorKind: ErrorKind;
}
