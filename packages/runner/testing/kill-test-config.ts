/** TEST SUPPORT ONLY: the run the kill/resume test interrupts (small, so the suite stays fast). */
import type { GdpoConfigInput } from '@llm-autodiff/gdpo';

export const KILL_TEST_CONFIG: GdpoConfigInput = { steps: 4, proposalsPerStep: 3 };
export const KILL_TEST_SIZES = { val: 30, test: 20 };
