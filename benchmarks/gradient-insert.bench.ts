/**
 * Gradient insertion into one parameter: time per added gradient as the parameter fills up (16k), in
 * backward's arrival pattern, plus the one ordering pass on the first read. Run:
 * `npx tsx benchmarks/gradient-insert.bench.ts`. Not part of the test suite.
 */
import { param } from '@llm-autodiff/core';
import { fakeGradient } from '../packages/core/testing';

for (const total of [1000, 4000, 16000]) {
  const p = param('x', { name: 'x', description: 'r' });
  const calls = 4;
  const started = performance.now();
  for (let s = 0; s < total / calls; s++)
    for (let c = calls - 1; c >= 0; c--) {
      const id = `g${s}.${c}`;
      if (!p.hasGradient(id)) p.addGradient(fakeGradient(`s${s}`, c, id));
    }
  const added = performance.now() - started;
  const readStart = performance.now();
  const n = p.gradients.length;
  const read = performance.now() - readStart;
  console.log(
    `${n} gradients: ${((added * 1000) / n).toFixed(2)} µs per insert, first read (ordering) ${read.toFixed(1)} ms`,
  );
}
