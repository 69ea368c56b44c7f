/** Test support for methods and the trainer (imports nothing outside llm and core). */
export * from './toy-world';
