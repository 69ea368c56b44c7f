/** A tinybench run as figures: each task's mean time per operation, with its relative margin of error. */
import type { Bench } from 'tinybench';
import type { FigureSet } from './figures';

export function addBenchFigures(figures: FigureSet, suite: string, bench: Bench): void {
  for (const task of bench.tasks) {
    const r = task.result;
    if (r.state === 'errored') {
      figures.add({
        suite,
        name: task.name,
        value: Number.NaN,
        unit: 'µs/op',
        note: `failed: ${r.error.message}`,
      });
      continue;
    }
    if (r.state !== 'completed' && r.state !== 'aborted-with-statistics') continue;
    figures.add({
      suite,
      name: task.name,
      value: r.latency.mean * 1000,
      unit: 'µs/op',
      note: `±${r.latency.rme.toFixed(1)}% over ${r.latency.samplesCount} runs`,
    });
  }
}
