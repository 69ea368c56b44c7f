/** Test support for methods and the trainer (imports nothing outside llm and core). */

export { idleMethod } from './idle-method';
export * from './toy-world';
