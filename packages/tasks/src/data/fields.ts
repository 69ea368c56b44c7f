import { DatasetError, type RowLocation } from './errors';

/** A parsed row before validation: only an object is accepted. */
export type RawRow = Record<string, unknown>;

function fail(at: RowLocation, field: string, reason: string): never {
  throw new DatasetError(at.file, at.line, field, reason);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** A string that must be present; `nonEmpty` (default true) rejects blank text too. */
export function str(row: RawRow, field: string, at: RowLocation, nonEmpty = true): string {
  const v = row[field];
  if (typeof v !== 'string')
    fail(at, field, `expected a string, got ${v === undefined ? 'nothing' : describe(v)}`);
  if (nonEmpty && v.trim() === '') fail(at, field, 'expected a non-empty string');
  return v;
}

/** A string or null/absent. */
export function optStr(row: RawRow, field: string, at: RowLocation): string | undefined {
  const v = row[field];
  if (v === undefined || v === null) return undefined;
  return str(row, field, at);
}

/** An integer within [min, max]. */
export function int(row: RawRow, field: string, at: RowLocation, min = -Infinity, max = Infinity): number {
  const v = row[field];
  if (typeof v !== 'number' || !Number.isInteger(v))
    fail(at, field, `expected an integer, got ${describe(v)}`);
  if (v < min || v > max) fail(at, field, `expected an integer in [${min}, ${max}], got ${v}`);
  return v;
}

/** An integer or null/absent. */
export function optInt(
  row: RawRow,
  field: string,
  at: RowLocation,
  min = -Infinity,
  max = Infinity,
): number | undefined {
  const v = row[field];
  if (v === undefined || v === null) return undefined;
  return int(row, field, at, min, max);
}

/** One of a fixed set of strings. */
export function oneOf<T extends string>(
  row: RawRow,
  field: string,
  at: RowLocation,
  allowed: readonly T[],
): T {
  const v = str(row, field, at);
  if (!(allowed as readonly string[]).includes(v))
    fail(at, field, `expected one of ${allowed.join(', ')}, got ${describe(v)}`);
  return v as T;
}

/** An array of non-empty strings, or null/absent. */
export function optStrArray(row: RawRow, field: string, at: RowLocation): string[] | undefined {
  const v = row[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) fail(at, field, `expected an array of strings, got ${describe(v)}`);
  v.forEach((item, i) => {
    if (typeof item !== 'string' || item.trim() === '')
      fail(at, `${field}[${i}]`, `expected a non-empty string, got ${describe(item)}`);
  });
  return v as string[];
}

/** Rejects duplicate ids across the rows of one file. */
export class IdRegistry {
  private readonly seen = new Map<string, number>();
  constructor(private readonly file: string) {}
  add(id: string, line: number, field = 'id'): void {
    const first = this.seen.get(id);
    if (first !== undefined)
      throw new DatasetError(this.file, line, field, `duplicate id "${id}" (first seen on line ${first})`);
    this.seen.set(id, line);
  }
}
