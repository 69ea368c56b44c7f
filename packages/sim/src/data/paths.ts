/** The dataset location is llm's rule (one owner, shared with tasks); sim adds the skip message of its tests. */
export { findDataDir, requireDataDir } from '@llm-autodiff/llm';

/** Why tests that need the real data are skipped. */
export const NO_DATA_MESSAGE =
  'shared/datasets not found (set AUTODIFF_DATA_DIR): skipping tests on the real data';
