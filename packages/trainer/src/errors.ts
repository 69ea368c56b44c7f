/**
 * Bad trainer input: a method config, checkpoint, data set or option that cannot be used. The message
 * names the field or file; the CLI prints it as one line (no stack trace) and exits non-zero.
 */
import type { ErrorKind } from '@llm-autodiff/llm';
export class TrainerInputError extends Error {
  override readonly name: string = 'TrainerInputError';
  readonly errorKind: ErrorKind = 'input';
}
