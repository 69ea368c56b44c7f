import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataFileError, loadExamples, parseFieldMapping } from './examples-file';

const dir = mkdtempSync(join(tmpdir(), 'autodiff-data-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('data files', () => {
  it('reads JSONL, JSON and CSV (quoted commas) into objects, renaming mapped columns', () => {
    expect(loadExamples(file('a.jsonl', '{"id":"1","q":"x"}\n\n{"id":"2","q":"y"}\n'))).toEqual([
      { id: '1', q: 'x' },
      { id: '2', q: 'y' },
    ]);
    expect(loadExamples(file('a.json', '[{"id":"1"}]'))).toEqual([{ id: '1' }]);
    const rows = loadExamples(
      file('a.csv', 'qid,text\nq1,"apples, pears"\n'),
      parseFieldMapping('id=qid,question=text'),
    );
    expect(rows).toEqual([{ qid: 'q1', text: 'apples, pears', id: 'q1', question: 'apples, pears' }]);
  });

  it('names the file and line of a bad row', () => {
    expect(() => loadExamples(file('b.jsonl', '{"id":"1"}\n{oops\n'))).toThrow(/b\.jsonl:2: not valid JSON/);
    expect(() => loadExamples(file('c.jsonl', '{"id":"1"}\n[1,2]\n'))).toThrow(
      /c\.jsonl:2: a row must be an object/,
    );
    expect(() => loadExamples(file('d.csv', 'id,text\n1,a\n2,b,extra\n'))).toThrow(DataFileError);
    expect(() => loadExamples(file('e.csv', 'id,text\n1,\n'), { question: 'text' })).toThrow(
      /e\.csv:2: column "text" \(for field "question"\) is missing or empty/,
    );
  });

  it('refuses missing files, empty files, unknown formats and bad mappings', () => {
    expect(() => loadExamples(join(dir, 'none.jsonl'))).toThrow(/cannot read/);
    expect(() => loadExamples(file('f.jsonl', '\n'))).toThrow(/no examples/);
    expect(() => loadExamples(file('g.xml', '<a/>'))).toThrow(/unknown data format/);
    expect(() => parseFieldMapping('question')).toThrow(/not FIELD=COLUMN/);
  });
});

describe('loadExamples: what hand-written readers get wrong', () => {
  it('CRLF line ends, a byte-order mark and quoted fields with newlines and quotes', () => {
    const rows = loadExamples(
      file('crlf.csv', '\uFEFFid,label,text\r\n1,high,"say ""hi""\r\nthen go"\r\n2,low,plain\r\n'),
    );
    expect(rows).toEqual([
      { id: '1', label: 'high', text: 'say "hi"\r\nthen go' },
      { id: '2', label: 'low', text: 'plain' },
    ]);
    expect(loadExamples(file('bom.jsonl', '\uFEFF{"id":"1"}\r\n{"id":"2"}\r\n'))).toEqual([
      { id: '1' },
      { id: '2' },
    ]);
    expect(loadExamples(file('bom.json', '\uFEFF[{"id":"1"}]'))).toEqual([{ id: '1' }]);
  });

  it('a CSV row with too many fields is one line naming the file', () => {
    expect(() => loadExamples(file('ragged.csv', 'id,label\n1,high,extra\n'))).toThrow(/ragged\.csv: /);
  });
});
