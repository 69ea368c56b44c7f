export { main, USAGE } from './cli';
export { createModel, registerSimProvider, simProvider } from './model-registry';
export * from './outputs';
