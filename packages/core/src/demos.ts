import { TAGS, tag } from '@llm-autodiff/llm';
import type { Demo, DemoTrace } from './parameter';

/**
 * Few-shot demos. A demos parameter (`demosParam`) sits in a generator's `system` list like any prompt;
 * its value is a list of `{ input, output }` rendered as tagged examples. In train mode every generator
 * call that uses it appends a `DemoTrace` (rendered input, raw output, parsed value); `loss()` fills in the
 * sample's score. A demo optimizer reads `demoTraces`, picks good ones, turns them into demos with
 * `traceToDemo` and proposes them with `propose()`.
 */
export function renderDemos(demos: readonly Demo[]): string {
  if (demos.length === 0) return '';
  // A demo without input (the reference drops the inputs of teacher demos on some tasks) shows its output only.
  const examples = demos.map((d) =>
    tag(
      TAGS.task.example,
      d.input === '' ? `Output:\n${d.output}` : `Input:\n${d.input}\nOutput:\n${d.output}`,
    ),
  );
  return tag(TAGS.task.examples, examples.join('\n'));
}

export function traceToDemo(trace: DemoTrace): Demo {
  return { input: trace.input, output: trace.output, sampleId: trace.sampleId };
}
