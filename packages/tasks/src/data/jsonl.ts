import { readFile } from 'node:fs/promises';
import { DatasetError } from './errors';
import type { RawRow } from './fields';

/** One JSON object per line; blank lines are skipped, line numbers stay those of the file. */
export interface NumberedRow {
  line: number;
  row: RawRow;
}

export function parseJsonl(text: string, file: string): NumberedRow[] {
  const out: NumberedRow[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new DatasetError(file, i + 1, undefined, `invalid JSON (${(e as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new DatasetError(file, i + 1, undefined, 'expected a JSON object on this line');
    }
    out.push({ line: i + 1, row: value as RawRow });
  }
  return out;
}

export async function readJsonl(file: string): Promise<NumberedRow[]> {
  return parseJsonl(await readText(file), file);
}

export async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new DatasetError(
      file,
      undefined,
      undefined,
      `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
}

export async function readJson(file: string): Promise<unknown> {
  const text = await readText(file);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DatasetError(file, undefined, undefined, `invalid JSON (${(e as Error).message})`);
  }
}
