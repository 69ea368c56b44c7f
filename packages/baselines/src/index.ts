// TextGrad and DSPy-style optimizers land here in a later issue; they implement core's `Optimizer`
// over the same `Program`s as GDPO, so the runner can compare them with identical accounting.
export {};
