/** Exit codes of `autodiff train` (documented in the runner README and `train --help`). */
export const EXIT = {
  done: 0,
  /** The run failed: a model error after every retry, or a cache miss in --replay. */
  failed: 1,
  /** Bad input: flags, output paths, checkpoint, cache file. Nothing was called, or nothing is lost. */
  badInput: 2,
  /** A --budget limit was reached: partial result, resumable checkpoint. */
  budget: 3,
  /**
   * A file could not be written (full disk, permissions): the message names it. A finished result whose
   * results file failed is printed in full (JSON) on stdout; a checkpoint on disk can be resumed.
   */
  writeFailed: 4,
  /** Stopped by SIGINT (128 + 2) / SIGTERM (128 + 15): partial result, resumable checkpoint. */
  sigint: 130,
  sigterm: 143,
} as const;
