/**
 * The one table from what happened to the exit code, used by every command, and the one way a command's
 * error is printed: `autodiff <command>: <message>`, one line, never a stack trace for a user's mistake.
 * Errors carry their kind (`errorKind`, see llm's error-kind.ts); this file never lists error classes.
 */
import type { ErrorKind, KindedError } from '@llm-autodiff/llm';
import type { Io } from './io';

/** System error codes of a failed write: the disk, not the user's input nor our code. */
const WRITE_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO', 'EFBIG']);

/**
 * The kind of any thrown value: its own `errorKind`, a file-system write failure, else 'internal'.
 * (Here, not in llm, so the CLI's start loads no package to print an error.)
 */
export function errorKindOf(e: unknown): ErrorKind {
  if (e instanceof Error) {
    const kind = (e as Partial<KindedError>).errorKind;
    if (typeof kind === 'string') return kind;
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== undefined && WRITE_CODES.has(code)) return 'write';
  }
  return 'internal';
}

/** Outcomes that are not errors, besides the error kinds. */
export type Outcome = 'done' | 'regression' | 'failed' | 'terminated';

export const EXIT_CODES: Readonly<Record<ErrorKind | Outcome, number>> = {
  done: 0,
  /** compare: a cell got worse beyond the tolerances. */
  regression: 1,
  /** repro/ablate: a run of the sweep failed (the others finished). */
  failed: 1,
  'call-failed': 1,
  'replay-miss': 1,
  environment: 1,
  internal: 1,
  usage: 2,
  input: 2,
  /** Partial result, resumable checkpoint. */
  budget: 3,
  /**
   * A file could not be written (full disk...), named in the message; train prints a finished result
   * whose results file failed in full (JSON) on stdout, and a checkpoint on disk can be resumed.
   */
  write: 4,
  /** SIGINT (128 + 2): partial result, resumable checkpoint. */
  interrupted: 130,
  /** SIGTERM (128 + 15). */
  terminated: 143,
};

/** The exit code of a run stopped by a signal (the signal's name, or the stop signal whose reason names it). */
export function signalExitCode(signal: AbortSignal | 'SIGINT' | 'SIGTERM'): number {
  const name = typeof signal === 'string' ? signal : signal.reason;
  return name === 'SIGTERM' ? EXIT_CODES.terminated : EXIT_CODES.interrupted;
}

/** The help text's account of the table (one owner for the wording). */
export const EXIT_CODES_HELP = `Exit codes: 0 done; 1 the work failed (a model call after its retries, a replay cache miss, a missing
dataset or API key, an unwritable folder, a failed run of a sweep, a regression found by compare);
2 bad input found before any call (flags, files, experiment, config, checkpoint, cache file, saved runs);
3 a --budget was reached (partial result, resumable checkpoint); 4 a file could not be written (full disk:
named; a finished train result is printed as JSON on stdout); 130 / 143 stopped by SIGINT / SIGTERM.`;

/**
 * Prints `e` in the commands' one voice and returns its exit code. An error of kind 'internal' is a bug
 * of ours: it says how to see the stack (AUTODIFF_DEBUG=1) instead of printing it.
 */
export function reportError(command: string, e: unknown, io: Io): number {
  const kind = errorKindOf(e);
  const message = e instanceof Error ? e.message : String(e);
  io.err(`autodiff${command ? ` ${command}` : ''}: ${message}`);
  if (kind === 'internal') {
    if (process.env.AUTODIFF_DEBUG && e instanceof Error) io.err(e.stack ?? '');
    else io.err('(an unexpected error: set AUTODIFF_DEBUG=1 to print the stack trace)');
  }
  return EXIT_CODES[kind];
}
