/**
 * Where `repro`, `table`, `report` and `compare` reach the output builders (tables, plots, HTML report,
 * regression comparison) owned by the report work. Until those land, each says so in one line.
 */
import type { Io } from '../io';

/** A command whose implementation has not been merged yet (exit 1, one line). */
export class NotAvailableError extends Error {
  override readonly name = 'NotAvailableError';
}

function notYet(what: string): never {
  throw new NotAvailableError(`${what} is not yet available in this build (it comes with the report work)`);
}

/** Rebuilds results/<experiment>/tables (Markdown, CSV) from the saved runs; returns the files written. */
export async function buildTables(_root: string, _io: Io): Promise<string[]> {
  return notYet('building tables');
}

/** Writes results/<experiment>/report.html (and plots); returns its path. */
export async function buildReport(_root: string, _io: Io): Promise<string> {
  return notYet('the HTML report');
}

/** Compares two experiments' saved runs; resolves to the exit code (non-zero on a regression). */
export async function compareExperiments(
  _old: string,
  _new: string,
  _args: string[],
  _io: Io,
): Promise<number> {
  return notYet('compare');
}
