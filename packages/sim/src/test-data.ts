/** Test support: tests that need the shared datasets skip, saying why, on a machine without them. */
import { describe } from 'vitest';
import { findDataDir, NO_DATA_MESSAGE } from './data/paths';

export const HAS_DATA = findDataDir() !== undefined;

/** A `describe` that is skipped with the reason in its name when the datasets are absent. */
export function describeWithData(name: string, body: () => void): void {
  describe.skipIf(!HAS_DATA)(HAS_DATA ? name : `${name} (${NO_DATA_MESSAGE})`, body);
}
