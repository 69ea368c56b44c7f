/** Whether the datasets the simulated world reads are here, for tests that need them. */
import { findDataDir, NO_DATA_MESSAGE } from '@llm-autodiff/sim';

export const HAS_DATA = findDataDir() !== undefined;

/** A test's name, saying why it is skipped when the datasets are missing. */
export const needsData = (name: string): string => (HAS_DATA ? name : `${name} (${NO_DATA_MESSAGE})`);
