/** A mistake in the command line: printed with the command's usage, exit code 2. */
import type { ErrorKind } from '@llm-autodiff/llm';
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly errorKind: ErrorKind = 'usage';

  constructor(
    message: string,
    /** The usage text to print after the message (default: the top-level help). */
    readonly usage?: string,
  ) {
    super(message);
  }
}
