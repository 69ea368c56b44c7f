/**
 * A dataset problem that the user can fix: it names the file, the line (1-based, when the file is
 * line-oriented) and the field, so a bad row is found without reading the loader's code.
 */
import type { ErrorKind } from '@llm-autodiff/llm';
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  readonly errorKind: ErrorKind = 'environment';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly field: string | undefined,
    readonly reason: string,
  ) {
    const where = [
      file,
      line === undefined ? undefined : `line ${line}`,
      field === undefined ? undefined : `field "${field}"`,
    ]
      .filter((s) => s !== undefined)
      .join(', ');
    super(`${where}: ${reason}`);
  }
}

/** Where a row came from; passed to the field readers so their errors can say it. */
export interface RowLocation {
  file: string;
  line: number;
}
