/** TEST SUPPORT ONLY: the run the kill/resume test interrupts (small, so the suite stays fast). */
import type { TrainerConfigInput } from '../config';

export const KILL_TEST_CONFIG: TrainerConfigInput = { steps: 4, proposalsPerStep: 3 };
export const KILL_TEST_SIZES = { val: 30, test: 20 };
