import { describe, expect, it } from 'vitest';
import { syntheticRun } from '../../testing/run-fixtures';
import type { SavedRun } from '../repro/run-record';
import { partialUseNotes, teacherNotes } from './method-notes';
import { mainTable } from './paper-tables';
import { summarize } from './summary';

function run(pipeline: string, method: string, teacher?: string): SavedRun {
  const { record, steps } = syntheticRun({ pipeline, method, repeat: 0, simulated: true });
  return { dir: record.runId, record: teacher ? { ...record, teacher } : record, steps, graphs: [] };
}

describe('method notes', () => {
  it("footnotes TextGrad's cells on the pipelines whose query prompts its feedback cannot reach", () => {
    const cells = summarize({
      runs: [
        run('hotpot-multihop', 'textgrad'),
        run('hotpot-vanilla', 'textgrad'),
        run('hotpot-agent', 'gdpo'),
      ],
    });
    const notes = partialUseNotes(cells);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /^Partly used \(textgrad on hotpot-multihop\): TextGrad's feedback stops at retrievers/,
    );
    expect(notes[0]).toContain('details.noFeedback');
    expect(partialUseNotes(summarize({ runs: [run('object-count', 'textgrad')] }))).toEqual([]);
  });

  it("names each method's teachers, and nothing for runs that recorded none", () => {
    const cells = summarize({
      runs: [
        run('object-count', 'mipro', 'student'),
        run('object-count', 'gdpo', 'sim:teacher'),
        run('trec', 'gdpo', 'sim:teacher'),
        run('trec', 'textgrad', 'none'),
      ],
    });
    expect(teacherNotes(cells)).toEqual([
      expect.stringMatching(/: gdpo: sim:teacher; mipro: student; textgrad: none\.$/),
    ]);
    expect(teacherNotes(summarize({ runs: [run('trec', 'gdpo')] }))).toEqual([]);
    const main = mainTable(cells, { experiment: 'quick', simulated: true });
    expect(main.notes.some((n) => n.startsWith('Teachers'))).toBe(true);
  });
});
