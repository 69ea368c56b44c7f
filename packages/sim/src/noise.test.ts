/**
 * Noise follows meaning (CONTRACT.md §2.2): the task model's slips are drawn per example and per what
 * the instruction means for it, so a rewording that keeps the meaning keeps most per-example outcomes,
 * and a new concept re-draws only the outcomes of examples it touches.
 */
import { TAGS, tag } from '@llm-autodiff/llm';
import { expect, it } from 'vitest';
import { jsonField, lastInteger, PROMPTS, split } from './calibration';
import type { Example } from './data/datasets';
import { chat } from './fixtures';
import { createSimModel } from './sim-model';
import { describeWithData } from './test-data';

const task = createSimModel('task', { seed: 3 });

async function outcomes(system: string, examples: Example[]): Promise<boolean[]> {
  const out: boolean[] = [];
  for (const e of examples) {
    const r = await task.complete({ messages: chat(system, tag(TAGS.task.question, e.question)) });
    if (e.task === 'object_count') out.push(lastInteger(r.text) === e.answer);
    else if (e.task === 'trec') out.push(jsonField(r.text, 'class_name') === e.label);
  }
  return out;
}

const share = (a: boolean[], b: boolean[]) => a.filter((x, i) => x === b[i]).length / a.length;

/** Rewordings that keep the meaning: same concepts, same format, about the same length. */
const REWORD: ((t: string) => string)[] = [
  (t) => t.replace('Think step by step.', 'Reason it through step by step.'),
  (t) => t.replace('You will answer a reasoning question.', 'Here is a reasoning question for you.'),
  (t) => `${t} Thank you.`,
  (t) =>
    t.replace(
      'List the items one by one and keep a running total.',
      'Go through the items one by one, keeping a running total.',
    ),
];

describeWithData('noise follows meaning', () => {
  it('ObjectCount: a meaning-preserving rewording keeps at least 98% of per-example outcomes', async () => {
    const val = split('object_count');
    for (const prompt of [PROMPTS.objectCount.start, PROMPTS.objectCount.cued]) {
      const base = await outcomes(prompt, val);
      for (const reword of REWORD) {
        const changed = reword(prompt);
        if (changed === prompt) continue;
        // Measured (world seed 3): 100% for six rewordings, 99% for one (only the smooth length cost
        // moves a draw); when slips hashed the instruction's bytes: 96-97%.
        expect(share(base, await outcomes(changed, val)), changed.slice(0, 60)).toBeGreaterThanOrEqual(0.98);
      }
    }
  });

  it('TREC: a new concept re-draws the outcomes it touches, not the others', async () => {
    const val = split('trec').filter((e) => e.task === 'trec');
    const system = `${PROMPTS.trec.start}\n${PROMPTS.trec.format}`;
    const withDates = `${PROMPTS.trec.start}\nDates, years and durations are NUM.\n${PROMPTS.trec.format}`;
    const a = await outcomes(system, val);
    const b = await outcomes(withDates, val);
    const dates = val.map((e) => e.task === 'trec' && ['NUM:date', 'NUM:period'].includes(e.fine));
    const untouched = a.filter((_, i) => !dates[i]);
    const untouchedB = b.filter((_, i) => !dates[i]);
    // Measured: 100% (when slips hashed the instruction's bytes: 90%).
    expect(share(untouched, untouchedB)).toBeGreaterThanOrEqual(0.97);
    // On date questions the concept helps.
    const right = (xs: boolean[]) => xs.filter((x, i) => x && dates[i]).length;
    expect(right(b)).toBeGreaterThan(right(a));
  });
});
