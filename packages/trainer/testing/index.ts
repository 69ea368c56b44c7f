/** Test support for methods and the trainer (imports nothing outside llm, core and the trainer). */
export * from './fixed-method';
export { idleMethod } from './idle-method';
export * from './toy-world';
