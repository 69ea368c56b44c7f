/** Test support for GDPO (never imported by src/); the toy world itself is `@llm-autodiff/trainer/testing`. */
export { toyOptimizerModel } from './toy-optimizer';
