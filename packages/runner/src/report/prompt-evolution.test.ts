import { describe, expect, it } from 'vitest';
import { syntheticRun } from '../../testing/run-fixtures';
import { promptEvolution, wordDiffHtml } from './prompt-evolution';

describe('prompt evolution', () => {
  it('lists the initial value and every accepted change, skipping unchanged ones', () => {
    const { record, steps } = syntheticRun({ pipeline: 'trec', method: 'gdpo', repeat: 0, steps: 5 });
    const [evolution] = promptEvolution({ dir: '', record, steps, graphs: [] });
    const accepted = steps.filter((s) => s.accepted).map((s) => `step ${s.step}`);
    expect(evolution?.name).toBe('system_prompt');
    expect(evolution?.versions.map((v) => v.label)).toEqual(['initial', ...accepted]);
    expect(evolution?.versions.at(-1)?.text).toBe(record.values.final.system_prompt);
  });

  it('shows a final value that differs from the last accepted one', () => {
    const { record, steps } = syntheticRun({ pipeline: 'trec', method: 'gdpo', repeat: 0 });
    record.values.final = { system_prompt: 'Restored best prompt' };
    const [evolution] = promptEvolution({ dir: '', record, steps, graphs: [] });
    expect(evolution?.versions.at(-1)).toEqual({ label: 'final', text: 'Restored best prompt' });
  });

  it('marks added and removed words, escaping HTML', () => {
    expect(wordDiffHtml('Count the <items>', 'Count every <items> carefully')).toBe(
      'Count <del>the</del><ins>every</ins> &lt;items&gt; <ins>carefully</ins>',
    );
  });
});
