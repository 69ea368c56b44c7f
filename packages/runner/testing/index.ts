/** Test support for end-to-end runs in the simulated world (never imported by src/). */
export { KILL_TEST_CONFIG, KILL_TEST_SIZES } from './kill-test-config';
export { type MethodRunOptions, simMethodRun } from './method-run';
export { backwardTokens, type SimRun, type SimRunOptions, simObjectCountRun } from './sim-run';
