/**
 * The engine surface gdpo uses, in one place: everything comes from `@llm-autodiff/core`.
 */
export {
  type BackwardReport,
  backward,
  type Demo,
  type Gradient,
  type Optimizer,
  type Parameter,
  type Prediction,
  type Program,
  renderGradients,
  sum,
  zeroGrad,
} from '@llm-autodiff/core';
