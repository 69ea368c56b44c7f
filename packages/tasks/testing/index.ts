/** Test support for tasks and its pipelines (never imported by src/). */
export * from './fixtures';
export * from './graph';
export * from './hotpot-world';
export * from './hub-server';
