/**
 * Examples from JSONL, JSON or CSV/TSV files (the library's loader, and `autodiff train --program`'s): one
 * object per row, columns renamed by an optional field mapping, every row checked. CSV quoting, CRLF line
 * ends and a byte-order mark are csv-parse's job; a bad row is a one-line error naming the file and the
 * line, never a half-read dataset.
 */

import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { ErrorKind } from '@llm-autodiff/llm';
import { parse as parseCsv } from 'csv-parse/sync';

export type Row = Record<string, unknown>;

/** A data file that cannot be used (missing, malformed, or a row that fails a check). */
export class DataFileError extends Error {
  override readonly name = 'DataFileError';
  readonly errorKind: ErrorKind = 'input';
}

/** `id=qid,question=text` -> { id: 'qid', question: 'text' } (the example field <- the file's column). */
export function parseFieldMapping(spec: string | undefined): Record<string, string> {
  const mapping: Record<string, string> = {};
  if (spec === undefined) return mapping;
  for (const part of spec.split(',')) {
    // As every list flag: an empty item (a doubled or trailing comma) is a mistake, not skipped.
    if (part.trim() === '')
      throw new DataFileError(`--fields has an empty item in "${spec}" (give a,b without empty entries)`);
    const m = /^\s*([A-Za-z_$][\w$]*)\s*=\s*(.+?)\s*$/.exec(part);
    if (!m) throw new DataFileError(`--fields: "${part}" is not FIELD=COLUMN (e.g. question=text)`);
    mapping[m[1]!] = m[2]!;
  }
  return mapping;
}

function parseRows(path: string, withBom: string): Array<{ line: number; row: unknown }> {
  const text = withBom.replace(/^\uFEFF/, '');
  switch (extname(path).toLowerCase()) {
    case '.jsonl':
    case '.ndjson':
      return text.split('\n').flatMap((raw, i) => {
        if (!raw.trim()) return [];
        try {
          return [{ line: i + 1, row: JSON.parse(raw) as unknown }];
        } catch (e) {
          throw new DataFileError(`${path}:${i + 1}: not valid JSON (${(e as Error).message})`);
        }
      });
    case '.json': {
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (e) {
        throw new DataFileError(`${path}: not valid JSON (${(e as Error).message})`);
      }
      if (!Array.isArray(data)) throw new DataFileError(`${path}: expected a JSON array of examples`);
      return data.map((row, i) => ({ line: i + 1, row }));
    }
    case '.csv':
    case '.tsv':
      try {
        const records = parseCsv(text, {
          columns: true,
          skip_empty_lines: true,
          bom: true,
          delimiter: extname(path).toLowerCase() === '.tsv' ? '\t' : ',',
          info: true,
        }) as Array<{ record: Row; info: { lines: number } }>;
        return records.map((r) => ({ line: r.info.lines, row: r.record }));
      } catch (e) {
        throw new DataFileError(`${path}: ${(e as Error).message}`);
      }
    default:
      throw new DataFileError(`${path}: unknown data format "${extname(path)}"; use .jsonl, .json or .csv`);
  }
}

/**
 * The examples of one file. With a mapping, each example gets the mapped fields (and keeps the others);
 * a mapped column missing from a row, a field the program reads (`reads`) missing from a row, a row
 * that is not an object, or an empty file is an error naming the file and line.
 */
export function loadExamples(
  file: string,
  mapping: Record<string, string> = {},
  reads: readonly string[] = [],
): Row[] {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new DataFileError(`${file}: cannot read the data file`);
  }
  const rows = parseRows(file, text).map(({ line, row }) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      throw new DataFileError(
        `${file}:${line}: a row must be an object of fields, got ${JSON.stringify(row)}`,
      );
    const out: Row = { ...(row as Row) };
    for (const [field, column] of Object.entries(mapping)) {
      if (!(column in out) || out[column] === '' || out[column] === null)
        throw new DataFileError(
          `${file}:${line}: column "${column}" (for field "${field}") is missing or empty`,
        );
      out[field] = out[column];
    }
    const missing = reads.find((f) => !(f in out) || out[f] === null || out[f] === undefined);
    if (missing !== undefined)
      throw new DataFileError(
        `${file}:${line}: field "${missing}", which the program reads, is missing${Object.keys(mapping).length ? '' : ' (map a column to it with --fields)'}`,
      );
    return out;
  });
  if (rows.length === 0) throw new DataFileError(`${file}: no examples`);
  return rows;
}
