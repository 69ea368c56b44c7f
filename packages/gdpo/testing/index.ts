/** Test support for GDPO (imports sim and tasks: never imported by src/). */
export { KILL_TEST_CONFIG, KILL_TEST_SIZES } from './kill-test-config';
export { backwardTokens, type SimRun, type SimRunOptions, simObjectCountRun } from './sim-run';
export { toyOptimizerModel } from './toy-optimizer';
